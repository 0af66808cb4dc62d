import { useCallback, useEffect, useState } from 'react';

import { type BackendError, type OrgCatalog, orgCatalog, toBackendError } from '../lib/backend';
import { useWorkspace } from '../workspace/WorkspaceContext';

export type OrgState = { status: 'loading' } | { status: 'ready'; org: OrgCatalog } | { status: 'failed'; error: BackendError };

/**
 * The org and catalog of the open workspace. `reload` after a change: it fetches them again
 * and tells the status bar the revision reached.
 */
export function useOrgCatalog(): { state: OrgState; reload: () => void } {
  const { generation, setLive } = useWorkspace();
  const [state, setState] = useState<OrgState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let current = true;
    orgCatalog().then(
      (org) => {
        if (!current) return;
        setState({ status: 'ready', org });
        if (attempt > 0) setLive({ revision: org.revision, save: 'saved', error: null, lastCells: null });
      },
      (reason: unknown) => { if (current) setState({ status: 'failed', error: toBackendError(reason) }); },
    );
    return () => { current = false; };
  }, [generation, attempt, setLive]);
  const reload = useCallback(() => {
    setAttempt((a) => a + 1);
  }, []);
  return { state, reload };
}
