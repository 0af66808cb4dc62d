import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';

import { type BackendError, type Summary, toBackendError, workspaceSummary } from '../lib/backend';

/** The open workspace as the UI knows it. */
export type WorkspaceState =
  | { status: 'loading' }
  | { status: 'ready'; summary: Summary }
  | { status: 'failed'; error: BackendError };

/** What the editor reports for the status bar: the revision it reached and whether it is saved. */
export interface LiveStatus {
  revision: number;
  save: 'saved' | 'saving' | 'failed';
  error: string | null;
  /** The last cell action: cells changed and how long applying and drawing it took, and saving it. */
  lastCells: { count: number; paintMs: number | null; saveMs: number | null } | null;
}

interface WorkspaceContextValue {
  state: WorkspaceState;
  reload: () => void;
  /** Bumped when another workspace is opened: screens reload what they show. */
  generation: number;
  /** Another workspace was opened (or created): show it. */
  switched: (summary: Summary) => void;
  live: LiveStatus | null;
  setLive: (live: LiveStatus | null) => void;
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
  const [generation, setGeneration] = useState(0);
  const [live, setLive] = useState<LiveStatus | null>(null);

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
    setGeneration((n) => n + 1);
  }, []);

  const switched = useCallback((summary: Summary) => {
    setLive(null);
    setState({ status: 'ready', summary });
    setGeneration((n) => n + 1);
  }, []);

  const value = useMemo(() => ({ state, reload, generation, switched, live, setLive }), [state, reload, generation, switched, live]);
  return <WorkspaceContext.Provider value={value}>{children}</WorkspaceContext.Provider>;
}

export function useWorkspace(): WorkspaceContextValue {
  const value = useContext(WorkspaceContext);
  if (value === null) throw new Error('useWorkspace needs a <WorkspaceProvider> above it');
  return value;
}
