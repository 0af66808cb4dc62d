/** Choosing whose view to simulate: an employee (search by name or department) or a set of roles. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { Directory, Who } from '../lib/backend';
import { useLanguage } from './useSim';
import { departmentName, searchEmployees, whoLabel } from './who';

export function WhoPicker({ dir, who, onChange, testId = 'who' }: { dir: Directory; who: Who | null; onChange: (who: Who | null) => void; testId?: string }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const [mode, setMode] = useState<'employee' | 'roles'>(who?.kind === 'roles' ? 'roles' : 'employee');
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const matches = searchEmployees(dir, text);
  const roles = who?.kind === 'roles' ? who.roles : [];

  return (
    <fieldset className="sim-picker" data-testid={testId}>
      <legend>{t('sim.pick.label')}</legend>
      <div className="sim-picker-modes" role="radiogroup">
        {(['employee', 'roles'] as const).map((m) => (
          <label key={m} className="toolbar-check">
            <input
              type="radio"
              name={`${testId}-mode`}
              checked={mode === m}
              onChange={() => {
                setMode(m);
                onChange(null);
              }}
              data-testid={`${testId}-mode-${m}`}
            />
            <span>{t(`sim.pick.${m}`)}</span>
          </label>
        ))}
      </div>
      {mode === 'employee' ? (
        <div className="sim-search">
          <label className="toolbar-field">
            <span>{t('sim.pick.search')}</span>
            <input
              type="search"
              value={open || who?.kind !== 'employee' ? text : whoLabel(dir, who, lang)}
              placeholder={t('sim.pick.searchPlaceholder')}
              onFocus={() => {
                setOpen(true);
              }}
              onChange={(e) => {
                setText(e.target.value);
                setOpen(true);
              }}
              data-testid={`${testId}-search`}
            />
          </label>
          {open && (
            <ul className="sim-matches" role="listbox" data-testid={`${testId}-matches`}>
              {matches.length === 0 && <li className="sim-muted">{t('sim.pick.noMatch')}</li>}
              {matches.map((e) => (
                <li key={e.id} role="option" aria-selected={who?.kind === 'employee' && who.id === e.id}>
                  <button
                    type="button"
                    onClick={() => {
                      onChange({ kind: 'employee', id: e.id });
                      setOpen(false);
                      setText('');
                    }}
                    data-testid={`${testId}-pick-${e.id}`}
                  >
                    <strong>{e.name}</strong> <span className="sim-muted">{e.title} · {departmentName(dir, e.department, lang)}</span>
                    {e.status !== 'active' && <span className="sim-tag">{t('sim.pick.inactive')}</span>}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      ) : (
        <div className="sim-roles" data-testid={`${testId}-roles`}>
          {dir.roles.map((r) => (
            <label key={r.id} className="toolbar-check">
              <input
                type="checkbox"
                checked={roles.includes(r.id)}
                onChange={(e) => {
                  const next = e.target.checked ? [...roles, r.id] : roles.filter((x) => x !== r.id);
                  onChange(next.length === 0 ? null : { kind: 'roles', roles: dir.roles.map((x) => x.id).filter((id) => next.includes(id)), department: null });
                }}
                data-testid={`${testId}-role-${r.id}`}
              />
              <span>{lang === 'zh' ? r.nameZh : r.nameEn}</span>
            </label>
          ))}
          {roles.length === 0 && <p className="sim-muted">{t('sim.pick.noRoles')}</p>}
        </div>
      )}
    </fieldset>
  );
}
