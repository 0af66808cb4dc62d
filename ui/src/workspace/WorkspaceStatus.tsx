import { useTranslation } from 'react-i18next';

import { backendKind } from '../lib/backend';
import { ErrorIcon } from '../shared/Icons';
import { useWorkspace } from './WorkspaceContext';

/** The status bar: which workspace is open and at which revision. */
export function WorkspaceStatus() {
  const { t } = useTranslation();
  const { state } = useWorkspace();
  return (
    <footer className="status-bar" aria-label={t('status.label')} data-testid="status-bar">
      {state.status === 'loading' && <span>{t('status.opening')}</span>}
      {state.status === 'failed' && (
        <span className="status-problem">
          <ErrorIcon />
          {t('status.noWorkspace')}
        </span>
      )}
      {state.status === 'ready' && (
        <>
          <span>
            {t('status.workspace')} <strong data-testid="status-workspace">{state.summary.meta.name}</strong>
          </span>
          <span data-testid="status-revision">{t('status.revision', { revision: state.summary.revision })}</span>
          <span className="status-path" title={state.summary.path}>
            {state.summary.path}
          </span>
        </>
      )}
      {backendKind() === 'mock' && <span className="status-mock">{t('status.mockBackend')}</span>}
    </footer>
  );
}
