/** The simulator screen: view as someone, compare two views, who changes since a revision, and who can see a field. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { Who } from '../lib/backend';
import { ErrorNotice } from '../shared/ErrorNotice';
import { useWorkspace } from '../workspace/WorkspaceContext';
import { ComparePane } from './ComparePane';
import { PeoplePane } from './PeoplePane';
import { SimView } from './SimView';
import { WhoCanPane } from './WhoCanPane';
import { WhoPicker } from './WhoPicker';
import { useDirectory } from './useSim';

type Tab = 'view' | 'compare' | 'people' | 'whoCan';
const TABS: Tab[] = ['view', 'compare', 'people', 'whoCan'];

/** The revision the screens should show: the editor's saved one when it reported, else the summary's. */
export function useSavedRevision(): number {
  const { state, live } = useWorkspace();
  const summary = state.status === 'ready' ? state.summary.revision : 0;
  // While an edit is being saved, keep the revision saved last (the engine has not got it yet).
  const [last, setLast] = useState(summary);
  const now = live !== null && live.save === 'saved' ? live.revision : Math.max(last, summary);
  if (now !== last) setLast(now);
  return now;
}

export function SimulatorScreen() {
  const { t } = useTranslation();
  const dir = useDirectory();
  const revision = useSavedRevision();
  const [openedAt] = useState(revision);
  const [tab, setTab] = useState<Tab>('view');
  const [who, setWho] = useState<Who | null>(null);

  return (
    <div className="simulator" data-testid="simulator">
      <h1 className="sim-heading">{t('sim.heading')}</h1>
      <div className="sim-tabs" role="tablist" aria-label={t('sim.tabs.label')}>
        {TABS.map((x) => (
          <button
            key={x}
            type="button"
            role="tab"
            aria-selected={tab === x}
            className={tab === x ? 'sim-tab sim-tab-active' : 'sim-tab'}
            onClick={() => {
              setTab(x);
            }}
            data-testid={`sim-tab-${x}`}
          >
            {t(`sim.tabs.${x}`)}
          </button>
        ))}
      </div>
      {dir.status === 'loading' && <p className="sim-muted">{t('sim.loading')}</p>}
      {dir.status === 'failed' && <ErrorNotice error={dir.error} title={t('errors.actionTitle')} />}
      {dir.status === 'ready' && (
        <div className="sim-panel" role="tabpanel">
          {tab === 'view' && (
            <div className="sim-view-layout">
              <WhoPicker dir={dir.value} who={who} onChange={setWho} />
              {who !== null && <SimView dir={dir.value} who={who} revision={revision} />}
            </div>
          )}
          {tab === 'compare' && <ComparePane dir={dir.value} initial={who} openedAt={openedAt} />}
          {tab === 'people' && <PeoplePane dir={dir.value} openedAt={openedAt} />}
          {tab === 'whoCan' && <WhoCanPane dir={dir.value} />}
        </div>
      )}
    </div>
  );
}
