/** Why a cell shows what it shows: the engine's reasons (zh or en) and the smallest change that would give more. */
import { useTranslation } from 'react-i18next';

import { type Directory, type Suggestion, type Who, simExplain } from '../lib/backend';
import { ErrorNotice } from '../shared/ErrorNotice';
import { useLanguage, useQuery } from './useSim';
import { fieldLabel, roleName, whoKey } from './who';

export function ExplanationPanel({ dir, who, field, customer, at, onClose }: { dir: Directory; who: Who; field: string; customer: string; at: string; onClose: () => void }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const loaded = useQuery(`${whoKey(who)}|${field}|${customer}|${at}`, () => simExplain(who, field, customer, at));

  const suggestion = (s: Suggestion): string => {
    switch (s.kind) {
      case 'addRole':
        return t('sim.explain.addRole', { role: roleName(dir, s.role, lang), level: t(`levels.${s.level}`) });
      case 'request':
        return t('sim.explain.request', { level: t(`levels.${s.level}`) });
      case 'scopeGrant':
        return t('sim.explain.scopeGrant');
      case 'reactivate':
        return t('sim.explain.reactivate');
    }
  };

  return (
    <aside className="sim-explain" data-testid="sim-explain" aria-label={t('sim.explain.title', { field: fieldLabel(dir, field, lang), customer })}>
      <header className="sim-explain-head">
        <h2>{t('sim.explain.title', { field: fieldLabel(dir, field, lang), customer })}</h2>
        <button type="button" className="button button-quiet" onClick={onClose} data-testid="sim-explain-close">
          {t('sim.explain.close')}
        </button>
      </header>
      {loaded === null || loaded.status === 'loading' ? (
        <p className="sim-muted">{t('sim.loading')}</p>
      ) : loaded.status === 'failed' ? (
        <ErrorNotice error={loaded.error} title={t('errors.actionTitle')} />
      ) : (
        <>
          <p>
            {t('sim.explain.level')}{' '}
            <strong className={`sim-level sim-level-${loaded.value.level}`} data-testid="sim-explain-level" data-level={loaded.value.level}>
              {t(`levels.${loaded.value.level}`)}
            </strong>
          </p>
          <h3>{t('sim.explain.reasons')}</h3>
          <ul className="sim-reasons" data-testid="sim-explain-reasons">
            {(lang === 'zh' ? loaded.value.text.zh : loaded.value.text.en).map((line, i) => (
              <li key={i}>{line}</li>
            ))}
          </ul>
          <h3>{t('sim.explain.suggestions')}</h3>
          {loaded.value.suggestions.length === 0 ? (
            <p className="sim-muted" data-testid="sim-explain-suggestions">
              {t('sim.explain.none')}
            </p>
          ) : (
            <ul data-testid="sim-explain-suggestions">
              {loaded.value.suggestions.map((s, i) => (
                <li key={i} data-kind={s.kind}>
                  {suggestion(s)}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </aside>
  );
}
