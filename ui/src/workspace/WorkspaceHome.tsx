import { useTranslation } from 'react-i18next';

import type { Summary } from '../lib/backend';
import { ErrorNotice } from '../shared/ErrorNotice';
import { useFormat } from '../shared/format';
import { SummaryCards } from './SummaryCards';
import { useWorkspace } from './WorkspaceContext';

function WorkspaceDetails({ summary }: { summary: Summary }) {
  const { t } = useTranslation();
  const f = useFormat();
  const rows: [string, string, string][] = [
    ['path', t('workspace.details.path'), summary.path],
    ['revision', t('workspace.details.revision'), f.number(summary.revision)],
    ['created-at', t('workspace.details.createdAt'), f.date(summary.meta.createdAt)],
    ['created-by', t('workspace.details.createdBy'), summary.meta.createdBy],
    ['producer', t('workspace.details.producer'), summary.meta.producer],
    ['id', t('workspace.details.id'), summary.meta.id],
  ];
  return (
    <dl className="details" aria-label={t('workspace.details.label')}>
      {rows.map(([id, label, value]) => (
        <div key={id} className="details-row">
          <dt>{label}</dt>
          <dd data-testid={`detail-${id}`} className={id === 'path' || id === 'id' ? 'mono' : undefined}>
            {value}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** The home screen for now: which workspace is open and what it holds. */
export function WorkspaceHome() {
  const { t } = useTranslation();
  const { state, reload } = useWorkspace();

  if (state.status === 'loading') {
    return (
      <p className="loading" aria-busy="true" data-testid="loading">
        {t('workspace.loading')}
      </p>
    );
  }
  if (state.status === 'failed') {
    return <ErrorNotice error={state.error} onRetry={reload} />;
  }
  const { summary } = state;
  return (
    <article className="overview" aria-labelledby="workspace-name">
      <header className="overview-header">
        <p className="overview-kicker">{t('workspace.heading')}</p>
        <h1 id="workspace-name" data-testid="workspace-name">
          {summary.meta.name}
        </h1>
        <WorkspaceDetails summary={summary} />
      </header>
      <h2 className="visually-hidden">{t('workspace.holds')}</h2>
      <SummaryCards summary={summary} />
    </article>
  );
}
