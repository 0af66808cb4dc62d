import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';

import { type BackendError, type Summary, toBackendError, workspaceSummary } from '../lib/backend';

/** The open workspace as the UI knows it. */
export type WorkspaceState =
  | { status: 'loading' }
  | { status: 'ready'; summary: Summary }
  | { status: 'failed'; error: BackendError };

interface WorkspaceContextValue {
  state: WorkspaceState;
  reload: () => void;
}

const WorkspaceContext = createContext<WorkspaceContextValue | null>(null);

/** Loads the workspace summary from the backend and shares it with the shell and the screens. */
export function WorkspaceProvider({
  children,
  load = workspaceSummary,
}: {
  children: ReactNode;
  /** Injected in component tests; the app uses the backend. */
  load?: () => Promise<Summary>;
}) {
  const [state, setState] = useState<WorkspaceState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let current = true;
    load().then(
      (summary) => {
        if (current) setState({ status: 'ready', summary });
      },
      (reason: unknown) => {
        if (current) setState({ status: 'failed', error: toBackendError(reason) });
      },
    );
    return () => {
      current = false;
    };
  }, [load, attempt]);

  const reload = useCallback(() => {
    setState({ status: 'loading' });
    setAttempt((n) => n + 1);
  }, []);

  const value = useMemo(() => ({ state, reload }), [state, reload]);
  return <WorkspaceContext.Provider value={value}>{children}</WorkspaceContext.Provider>;
}

export function useWorkspace(): WorkspaceContextValue {
  const value = useContext(WorkspaceContext);
  if (value === null) throw new Error('useWorkspace needs a <WorkspaceProvider> above it');
  return value;
}
