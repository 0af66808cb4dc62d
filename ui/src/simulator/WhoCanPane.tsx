/** "Who can see field X": for a field (optionally a tier, and a minimum level), the employees, their level and why. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { type Directory, type Level, type WhoCan, simWhoCan } from '../lib/backend';
import { ErrorNotice } from '../shared/ErrorNotice';
import { useFormat } from '../shared/format';
import { useLanguage, useQuery } from './useSim';
import { departmentName, nowIso, roleName } from './who';

const MIN_LEVELS: Level[] = ['masked', 'read', 'edit'];

export function WhoCanPane({ dir }: { dir: Directory }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const fmt = useFormat();
  const restricted = dir.fields.find((f) => f.sensitivity === 'restricted');
  const [field, setField] = useState(restricted?.id ?? dir.fields[0]?.id ?? '');
  const [tier, setTier] = useState('');
  const [minLevel, setMinLevel] = useState<Level>('read');
  const [at] = useState(nowIso);
  const loaded = useQuery<WhoCan>(field === '' ? null : `${field}|${minLevel}|${tier}|${at}`, () => simWhoCan(field, minLevel, tier === '' ? null : tier, at));
  const tierName = (id: string) => {
    const x = dir.tiers.find((y) => y.id === id);
    return x === undefined ? id : lang === 'zh' ? x.nameZh : x.nameEn;
  };

  return (
    <div className="sim-whocan" data-testid="sim-whocan">
      <div className="editor-toolbar">
        <label className="toolbar-field">
          <span>{t('sim.whoCan.field')}</span>
          <select value={field} onChange={(e) => { setField(e.target.value); }} data-testid="whocan-field">
            {dir.fields.map((f) => (
              <option key={f.id} value={f.id}>
                {lang === 'zh' ? f.labelZh : f.labelEn} ({t(`sensitivity.${f.sensitivity}`)})
              </option>
            ))}
          </select>
        </label>
        <label className="toolbar-field">
          <span>{t('sim.whoCan.tier')}</span>
          <select value={tier} onChange={(e) => { setTier(e.target.value); }} data-testid="whocan-tier">
            <option value="">{t('sim.whoCan.anyTier')}</option>
            {dir.tiers.map((x) => (
              <option key={x.id} value={x.id}>
                {lang === 'zh' ? x.nameZh : x.nameEn}
              </option>
            ))}
          </select>
        </label>
        <label className="toolbar-field">
          <span>{t('sim.whoCan.minLevel')}</span>
          <select value={minLevel} onChange={(e) => { setMinLevel(e.target.value as Level); }} data-testid="whocan-level">
            {MIN_LEVELS.map((l) => (
              <option key={l} value={l}>
                {t(`levels.${l}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {loaded === null || loaded.status === 'loading' ? (
        <p className="sim-muted">{t('sim.loading')}</p>
      ) : loaded.status === 'failed' ? (
        <ErrorNotice error={loaded.error} title={t('errors.actionTitle')} />
      ) : (
        <>
          <p className="sim-sees" data-testid="whocan-count" data-count={loaded.value.entries.length} data-considered={loaded.value.considered}>
            {t('sim.whoCan.result', { count: fmt.number(loaded.value.entries.length), considered: fmt.number(loaded.value.considered) })}
          </p>
          {loaded.value.entries.length === 0 ? (
            <p>{t('sim.whoCan.nobody')}</p>
          ) : (
            <table className="panel-table sim-table" data-testid="whocan-table">
              <thead>
                <tr>
                  <th>{t('sim.whoCan.employee')}</th>
                  <th>{t('sim.whoCan.department')}</th>
                  <th>{t('sim.whoCan.level')}</th>
                  <th>{t('sim.whoCan.perTier')}</th>
                  <th>{t('sim.whoCan.why')}</th>
                </tr>
              </thead>
              <tbody>
                {loaded.value.entries.map((e) => (
                  <tr key={e.employee} data-employee={e.employee} data-level={e.level}>
                    <td>
                      {e.name} <span className="sim-muted">{e.employee}</span>
                    </td>
                    <td>{departmentName(dir, e.department, lang)}</td>
                    <td>
                      <span className={`sim-level sim-level-${e.level}`}>{t(`levels.${e.level}`)}</span>
                    </td>
                    <td className="sim-tiers">
                      {e.tiers.map((x) => (
                        <span key={x.tier} className={`sim-level sim-level-${x.level}`}>
                          {tierName(x.tier)}: {t(`levels.${x.level}`)}
                        </span>
                      ))}
                    </td>
                    <td>
                      {[
                        ...e.roles.map(([r, s]) => t('sim.whoCan.viaRole', { role: roleName(dir, r, lang), scope: t(`scope.${s}`) })),
                        ...e.grants.map((g) => t('sim.whoCan.viaGrant', { grant: g })),
                        ...e.cappedBy.map((g) => t('sim.whoCan.capped', { guardrail: g })),
                      ].join('；')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </div>
  );
}
