import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { backendKind } from '../lib/backend';
import { useFormat } from '../shared/format';
import { ErrorIcon } from '../shared/Icons';
import { useWorkspace } from './WorkspaceContext';

/** The status bar: which workspace is open, at which revision, and whether every change is saved. */
export function WorkspaceStatus() {
  const { t } = useTranslation();
  const { state, live, generation } = useWorkspace();
  const f = useFormat();
  // The highest revision seen in this workspace: the editor's save status goes when it closes,
  // but the revision its edits reached stays (revisions only grow; a restore is a new one).
  const [seen, setSeen] = useState({ generation, revision: 0 });
  const current = state.status === 'ready' ? Math.max(state.summary.revision, live?.revision ?? 0) : 0;
  const revision = Math.max(current, seen.generation === generation ? seen.revision : 0);
  if (seen.generation !== generation || seen.revision !== revision) setSeen({ generation, revision });
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
          <span data-testid="status-revision">{t('status.revision', { revision })}</span>
          {live !== null && (
            <span className={`status-save status-save-${live.save}`} data-testid="status-save" data-save={live.save} role="status" aria-live="polite">
              {live.save === 'failed' && <ErrorIcon />}
              {live.save === 'saved' && t('status.saved')}
              {live.save === 'saving' && t('status.saving')}
              {live.save === 'failed' && t('status.failed', { message: live.error ?? '' })}
            </span>
          )}
          {live?.lastCells?.paintMs != null && (
            <span
              className="status-timing"
              data-testid="status-timing"
              data-cells={live.lastCells.count}
              data-paint-ms={live.lastCells.paintMs.toFixed(1)}
              data-save-ms={live.lastCells.saveMs?.toFixed(1)}
            >
              {t('status.lastAction', { count: live.lastCells.count, cells: f.number(live.lastCells.count), ms: Math.round(live.lastCells.paintMs) })}
            </span>
          )}
          <span className="status-path" title={state.summary.path}>
            {state.summary.path}
          </span>
        </>
      )}
      {backendKind() === 'mock' && <span className="status-mock">{t('status.mockBackend')}</span>}
    </footer>
  );
}
