import { useSyncExternalStore } from 'react';

import { CatalogScreen } from './org/CatalogScreen';
import { OrgScreen } from './org/OrgScreen';
import { AppShell, SECTIONS, type Section } from './shared/AppShell';
import { MatrixWithPreview } from './simulator/MatrixWithPreview';
import { SimulatorScreen } from './simulator/SimulatorScreen';
import { WorkspaceProvider, useWorkspace } from './workspace/WorkspaceContext';
import { WorkspaceHome } from './workspace/WorkspaceHome';
import { WorkspaceMenu } from './workspace/WorkspaceMenu';
import { WorkspaceStatus } from './workspace/WorkspaceStatus';

function subscribeToHash(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => { window.removeEventListener('hashchange', onChange); };
}

/** The section named in the address (`#overview`); the matrix editor is home. */
function currentSection(): Section {
  const hash = window.location.hash.replace(/^#/, '');
  return (SECTIONS as readonly string[]).includes(hash) ? (hash as Section) : 'matrix';
}

function Screens({ section }: { section: Section }) {
  const { state } = useWorkspace();
  // The overview also shows the loading state and why a workspace could not be opened.
  if (section === 'overview' || state.status !== 'ready') return <WorkspaceHome />;
  if (section === 'simulator') return <SimulatorScreen />;
  if (section === 'org') return <OrgScreen />;
  if (section === 'catalog') return <CatalogScreen />;
  return <MatrixWithPreview />;
}

export function App() {
  const section = useSyncExternalStore(subscribeToHash, currentSection, () => 'matrix' as const);
  return (
    <WorkspaceProvider>
      <AppShell statusBar={<WorkspaceStatus />} section={section} tools={<WorkspaceMenu />}>
        <Screens section={section} />
      </AppShell>
    </WorkspaceProvider>
  );
}
