import { AppShell } from './shared/AppShell';
import { WorkspaceProvider } from './workspace/WorkspaceContext';
import { WorkspaceHome } from './workspace/WorkspaceHome';
import { WorkspaceStatus } from './workspace/WorkspaceStatus';

export function App() {
  return (
    <WorkspaceProvider>
      <AppShell statusBar={<WorkspaceStatus />}>
        <WorkspaceHome />
      </AppShell>
    </WorkspaceProvider>
  );
}
