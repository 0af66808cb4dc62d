/** Loading helpers for the simulator: the directory, and a query that follows its inputs. */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { type BackendError, type Directory, simDirectory, toBackendError } from '../lib/backend';
import { type Language, isLanguage } from '../i18n';
import { useWorkspace } from '../workspace/WorkspaceContext';

export type Loaded<T> = { status: 'loading' } | { status: 'ready'; value: T } | { status: 'failed'; error: BackendError };

/** Runs `load` whenever `key` changes; stale answers are dropped. `key === null`: nothing to load. */
export function useQuery<T>(key: string | null, load: () => Promise<T>): Loaded<T> | null {
  const [state, setState] = useState<{ key: string; loaded: Loaded<T> } | null>(null);
  useEffect(() => {
    if (key === null) return;
    let current = true;
    load().then(
      (value) => {
        if (current) setState({ key, loaded: { status: 'ready', value } });
      },
      (reason: unknown) => {
        if (current) setState({ key, loaded: { status: 'failed', error: toBackendError(reason) } });
      },
    );
    return () => {
      current = false;
    };
    // `load` is a fresh closure every render; `key` names what it loads.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  if (key === null) return null;
  return state?.key === key ? state.loaded : { status: 'loading' };
}

/** The departments, employees, roles, fields and tiers, reloaded when another workspace opens. */
export function useDirectory(): Loaded<Directory> {
  const { generation } = useWorkspace();
  return useQuery(`directory:${generation}`, simDirectory) ?? { status: 'loading' };
}

export function useLanguage(): Language {
  const { i18n } = useTranslation();
  return isLanguage(i18n.resolvedLanguage) ? i18n.resolvedLanguage : 'en';
}
