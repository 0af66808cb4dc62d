/** Choosing an earlier revision to compare with now: by default the one before the last change. */
import { useState } from 'react';

import { workspaceSummary } from '../lib/backend';
import { useWorkspace } from '../workspace/WorkspaceContext';
import { useQuery } from './useSim';

/**
 * The revision chosen (the head's predecessor until the user picks one) and the head itself,
 * asked afresh: the summary loaded at start may be older than the matrix edits made since.
 */
export function useRevisionChoice(openedAt: number): { revision: number; choose: (r: number) => void; head: number | null; known: boolean } {
  const { generation } = useWorkspace();
  const loaded = useQuery(`head:${generation}:${openedAt}`, workspaceSummary);
  const head = loaded?.status === 'ready' ? loaded.value.revision : null;
  const [chosen, setChosen] = useState<number | null>(null);
  const revision = chosen ?? (head === null ? 0 : Math.max(0, head - 1));
  // `known`: picked, or the head has answered (until then `revision` is only a placeholder).
  return { revision, choose: setChosen, head, known: chosen !== null || head !== null };
}

/** A revision number field; Enter runs `onEnter`. */
export function RevisionInput({ label, value, onChange, onEnter, testId }: { label: string; value: number; onChange: (r: number) => void; onEnter?: () => void; testId: string }) {
  return (
    <label className="toolbar-field">
      <span>{label}</span>
      <input
        type="number"
        min={0}
        value={value}
        onChange={(e) => {
          onChange(Math.max(0, Math.floor(Number(e.target.value) || 0)));
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') onEnter?.();
        }}
        data-testid={testId}
      />
    </label>
  );
}
