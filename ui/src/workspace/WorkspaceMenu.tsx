/**
 * The workspace switcher in the header: the file open now, the recent ones, and opening or
 * creating another (by path: the shell opens exactly the file named, and remembers it).
 */
import { type SyntheticEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { type BackendError, type RecentWorkspace, createWorkspace, openWorkspace, recentWorkspaces, toBackendError } from '../lib/backend';
import { ErrorNotice } from '../shared/ErrorNotice';
import { useFormat } from '../shared/format';
import { Modal } from '../shared/Modal';
import { useWorkspace } from './WorkspaceContext';

export function WorkspaceMenu() {
  const { t } = useTranslation();
  const { state } = useWorkspace();
  const [open, setOpen] = useState(false);
  const name = state.status === 'ready' ? state.summary.meta.name : t('workspaceMenu.button');
  return (
    <>
      <button type="button" className="header-button workspace-button" onClick={() => { setOpen(true); }} data-testid="workspace-menu" title={t('workspaceMenu.title')}>
        <span aria-hidden="true" className="header-button-icon">
          ▤
        </span>
        <span className="workspace-button-name">{name}</span>
      </button>
      {open && <WorkspaceDialog onClose={() => { setOpen(false); }} />}
    </>
  );
}

function WorkspaceDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { state, switched } = useWorkspace();
  const [recent, setRecent] = useState<RecentWorkspace[] | null>(null);
  const [openPath, setOpenPath] = useState('');
  const [createPath, setCreatePath] = useState('');
  const [createName, setCreateName] = useState('');
  const [demo, setDemo] = useState(false);
  const [problem, setProblem] = useState<BackendError | null>(null);
  const [busy, setBusy] = useState(false);
  const current = state.status === 'ready' ? state.summary.path : null;

  useEffect(() => {
    recentWorkspaces().then(setRecent, (reason: unknown) => { setProblem(toBackendError(reason)); });
  }, []);

  const run = (action: () => Promise<Parameters<typeof switched>[0]>) => {
    setBusy(true);
    setProblem(null);
    action().then(
      (summary) => {
        switched(summary);
        onClose();
      },
      (reason: unknown) => {
        setBusy(false);
        setProblem(toBackendError(reason));
      },
    );
  };

  return (
    <Modal title={t('workspaceMenu.title')} onClose={onClose} testId="workspace-dialog">
      {current !== null && (
        <p className="workspace-current">
          <span className="form-hint">{t('workspaceMenu.current')}</span>
          <br />
          <span className="mono" data-testid="workspace-current">
            {current}
          </span>
        </p>
      )}
      <h3 className="modal-subtitle">{t('workspaceMenu.recent')}</h3>
      {recent !== null && recent.filter((r) => r.path !== current).length === 0 && <p className="form-hint">{t('workspaceMenu.noRecent')}</p>}
      <ul className="recent-list">
        {(recent ?? [])
          .filter((r) => r.path !== current)
          .map((r) => (
            <li key={r.path}>
              <button type="button" className="recent-item" disabled={!r.exists || busy} onClick={() => { run(() => openWorkspace(r.path)); }} data-testid="recent-item">
                <strong>{r.name}</strong>
                <span className="mono">{r.path}</span>
                <span className="form-hint">{r.exists ? f.date(r.openedAt) : t('workspaceMenu.missing')}</span>
              </button>
            </li>
          ))}
      </ul>
      <form
        className="form form-inline"
        onSubmit={(e: SyntheticEvent) => {
          e.preventDefault();
          if (openPath.trim() !== '') run(() => openWorkspace(openPath.trim()));
        }}
      >
        <h3 className="modal-subtitle">{t('workspaceMenu.open')}</h3>
        <label>
          {t('workspaceMenu.openPath')}
          <input value={openPath} onChange={(e) => { setOpenPath(e.target.value); }} className="mono" data-testid="open-path" />
        </label>
        <button type="submit" className="button" disabled={busy || openPath.trim() === ''} data-testid="open-submit">
          {t('workspaceMenu.openButton')}
        </button>
      </form>
      <form
        className="form form-inline"
        onSubmit={(e: SyntheticEvent) => {
          e.preventDefault();
          if (createPath.trim() !== '' && createName.trim() !== '') run(() => createWorkspace(createPath.trim(), createName.trim(), demo));
        }}
      >
        <h3 className="modal-subtitle">{t('workspaceMenu.create')}</h3>
        <label>
          {t('workspaceMenu.createPath')}
          <input value={createPath} onChange={(e) => { setCreatePath(e.target.value); }} className="mono" data-testid="create-path" />
        </label>
        <label>
          {t('workspaceMenu.createName')}
          <input value={createName} onChange={(e) => { setCreateName(e.target.value); }} data-testid="create-name" />
        </label>
        <label className="toolbar-check">
          <input type="checkbox" checked={demo} onChange={(e) => { setDemo(e.target.checked); }} />
          <span>{t('workspaceMenu.demo')}</span>
        </label>
        <button type="submit" className="button" disabled={busy || createPath.trim() === '' || createName.trim() === ''} data-testid="create-submit">
          {t('workspaceMenu.createButton')}
        </button>
      </form>
      {problem !== null && <ErrorNotice error={problem} title={t('errors.actionTitle')} />}
      <div className="form-actions">
        <button type="button" className="button button-quiet" onClick={onClose} data-close>
          {t('workspaceMenu.close')}
        </button>
      </div>
    </Modal>
  );
}
