/**
 * The side panel of one role: its names (renamed in place), who holds it, and per object its
 * row scope, tier reach and action grants. Every change is one undoable action, saved at once.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { Action, Effect, Role, Scope } from '../lib/backend';
import { ACTIONS, EFFECTS, type MatrixModel, SCOPES, roleOf } from './model';
import type { Reach } from './session';

export interface RolePanelProps {
  model: MatrixModel;
  roleId: string;
  /** Bumped on every change, so the panel shows the model as it is now. */
  version: number;
  onRename: (role: Role) => void;
  onReach: (object: string, reach: Reach) => void;
  onAction: (object: string, action: Action, effect: Effect) => void;
  onDelete: () => void;
  onClose: () => void;
}

export function RolePanel({ model, roleId, version, onRename, onReach, onAction, onDelete, onClose }: RolePanelProps) {
  const { t, i18n } = useTranslation();
  const zh = i18n.resolvedLanguage === 'zh';
  const slot = model.roleSlot.get(roleId);
  const role = slot === undefined ? undefined : model.roles[slot];
  if (role === undefined) return null;
  const inherits = role.inherits.map((id) => {
    const s = model.roleSlot.get(id);
    const r = s === undefined ? undefined : model.roles[s];
    return r === undefined ? id : zh ? r.nameZh : r.nameEn;
  });

  return (
    <aside className="side-panel role-panel" aria-labelledby="role-panel-title" data-testid="role-panel">
      <header className="side-panel-header">
        <div>
          <p className="side-panel-kicker">{t('rolePanel.title')}</p>
          <h2 id="role-panel-title" data-testid="role-panel-title">
            {zh ? role.nameZh : role.nameEn}
          </h2>
          <p className="side-panel-meta">
            <span className="mono">{role.id}</span> · {t('rolePanel.rank')} {role.rank} · {t('rolePanel.holders', { count: role.holders })}
          </p>
          {role.description !== '' && (
            <p className="side-panel-meta">
              {t('rolePanel.description')}: {role.description}
            </p>
          )}
          <p className="side-panel-meta">
            {t('rolePanel.inherits')}: {inherits.length === 0 ? t('rolePanel.inheritsNone') : inherits.join('、')}
          </p>
        </div>
        <button type="button" className="icon-button" onClick={onClose} aria-label={t('rolePanel.close')} title={t('rolePanel.close')} data-testid="role-panel-close">
          ×
        </button>
      </header>

      <NameForm key={`${role.id}:${role.nameZh}:${role.nameEn}:${version}`} role={roleOf(role)} onRename={onRename} />

      <section aria-labelledby="role-scopes">
        <h3 id="role-scopes">{t('rolePanel.scopes')}</h3>
        <table className="panel-table">
          <thead>
            <tr>
              <th scope="col">{t('rolePanel.object')}</th>
              <th scope="col">{t('rolePanel.scopeColumn')}</th>
              <th scope="col">{t('rolePanel.tierColumn')}</th>
            </tr>
          </thead>
          <tbody>
            {model.objects.map((o) => {
              const p = model.policy(role.id, o.id);
              const objectName = zh ? o.nameZh : o.nameEn;
              return (
                <tr key={o.id}>
                  <th scope="row">{objectName}</th>
                  <td>
                    <select
                      value={p.scope}
                      aria-label={`${objectName} ${t('rolePanel.scopeColumn')}`}
                      data-testid={`scope-${o.id}`}
                      onChange={(e) => { onReach(o.id, { scope: e.target.value as Scope, maxTier: p.maxTier }); }}
                    >
                      {SCOPES.map((s) => (
                        <option key={s} value={s}>
                          {t(`scope.${s}`)}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <select
                      value={p.maxTier ?? ''}
                      aria-label={`${objectName} ${t('rolePanel.tierColumn')}`}
                      data-testid={`tier-${o.id}`}
                      onChange={(e) => { onReach(o.id, { scope: p.scope, maxTier: e.target.value === '' ? null : e.target.value }); }}
                    >
                      <option value="">{t('rolePanel.allTiers')}</option>
                      {model.tiers.map((tier) => (
                        <option key={tier.id} value={tier.id}>
                          {zh ? tier.nameZh : tier.nameEn}
                        </option>
                      ))}
                    </select>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>

      <section aria-labelledby="role-actions">
        <h3 id="role-actions">{t('rolePanel.actions')}</h3>
        <div className="panel-table-scroll">
          <table className="panel-table panel-actions">
            <thead>
              <tr>
                <th scope="col">{t('rolePanel.object')}</th>
                {model.objects.map((o) => (
                  <th scope="col" key={o.id}>
                    {zh ? o.nameZh : o.nameEn}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {ACTIONS.map((action, i) => (
                <tr key={action}>
                  <th scope="row">{t(`action.${action}`)}</th>
                  {model.objects.map((o) => {
                    const effect = model.policy(role.id, o.id).actions[i] ?? 'deny';
                    return (
                      <td key={o.id}>
                        <select
                          className={`effect effect-${effect}`}
                          value={effect}
                          aria-label={`${zh ? o.nameZh : o.nameEn} ${t(`action.${action}`)}`}
                          data-testid={`action-${o.id}-${action}`}
                          onChange={(e) => { onAction(o.id, action, e.target.value as Effect); }}
                        >
                          {EFFECTS.map((ef) => (
                            <option key={ef} value={ef}>
                              {t(`effect.${ef}`)}
                            </option>
                          ))}
                        </select>
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <button type="button" className="button button-danger-quiet" onClick={onDelete} data-testid="role-delete">
        {t('rolePanel.delete')}
      </button>
    </aside>
  );
}

/** The role's names, saved together as one undoable rename. */
function NameForm({ role, onRename }: { role: Role; onRename: (role: Role) => void }) {
  const { t } = useTranslation();
  const [nameZh, setNameZh] = useState(role.nameZh);
  const [nameEn, setNameEn] = useState(role.nameEn);
  const renamed = nameZh.trim() !== role.nameZh || nameEn.trim() !== role.nameEn;
  const valid = nameZh.trim() !== '' && nameEn.trim() !== '';
  return (
    <form
      className="form form-compact"
      onSubmit={(e) => {
        e.preventDefault();
        if (renamed && valid) onRename({ ...role, nameZh: nameZh.trim(), nameEn: nameEn.trim() });
      }}
    >
      <label>
        {t('rolePanel.nameZh')}
        <input
          value={nameZh}
          onChange={(e) => {
            setNameZh(e.target.value);
          }}
          lang="zh-CN"
          data-testid="panel-name-zh"
        />
      </label>
      <label>
        {t('rolePanel.nameEn')}
        <input
          value={nameEn}
          onChange={(e) => {
            setNameEn(e.target.value);
          }}
          lang="en"
          data-testid="panel-name-en"
        />
      </label>
      <button type="submit" className="button" disabled={!renamed || !valid} data-testid="panel-rename">
        {t('rolePanel.rename')}
      </button>
    </form>
  );
}
