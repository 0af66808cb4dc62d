/**
 * The matrix editor with the simulator docked beside it: every saved edit in the matrix
 * re-runs the simulation at once (live preview).
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { Who } from '../lib/backend';
import { MatrixEditor } from '../matrix/MatrixEditor';
import { ErrorNotice } from '../shared/ErrorNotice';
import { useSavedRevision } from './SimulatorScreen';
import { SimView } from './SimView';
import { WhoPicker } from './WhoPicker';
import { useDirectory } from './useSim';

export function MatrixWithPreview() {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <div className={open ? 'matrix-preview matrix-preview-open' : 'matrix-preview'}>
      <div className="matrix-preview-editor">
        <MatrixEditor />
      </div>
      <button
        type="button"
        className="button button-quiet matrix-preview-toggle"
        aria-expanded={open}
        onClick={() => {
          setOpen(!open);
        }}
        data-testid="preview-toggle"
      >
        {open ? t('sim.preview.hide') : t('sim.preview.show')}
      </button>
      {open && <PreviewPanel />}
    </div>
  );
}

function PreviewPanel() {
  const { t } = useTranslation();
  const dir = useDirectory();
  const revision = useSavedRevision();
  const [who, setWho] = useState<Who | null>(null);
  return (
    <aside className="preview-panel" aria-label={t('sim.preview.label')} data-testid="preview-panel">
      <h2 className="sim-preview-title">
        {t('sim.preview.label')} <span className="sim-muted">{t('sim.preview.updated', { revision })}</span>
      </h2>
      {dir.status === 'loading' && <p className="sim-muted">{t('sim.loading')}</p>}
      {dir.status === 'failed' && <ErrorNotice error={dir.error} title={t('errors.actionTitle')} />}
      {dir.status === 'ready' && (
        <>
          <WhoPicker dir={dir.value} who={who} onChange={setWho} testId="preview-who" />
          {who !== null && <SimView dir={dir.value} who={who} revision={revision} compact />}
        </>
      )}
    </aside>
  );
}
