import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { EditReport } from '../lib/backend';

/** What was done last, said once in a live region. */
export function useOutcome() {
  const { t } = useTranslation();
  const [text, setText] = useState<string | null>(null);
  const saved = (r: EditReport) => { setText(r.revision === null ? t('orgcat.unchanged') : t('orgcat.saved', { revision: r.revision })); };
  const deleted = (id: string) => { setText(t('orgcat.deleted', { id })); };
  const node = (
    <p className="orgcat-outcome" role="status" aria-live="polite" data-testid="orgcat-outcome">
      {text}
    </p>
  );
  return { saved, deleted, node };
}
