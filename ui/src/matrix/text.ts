/** Cells, chips and levels in words, in the UI language. */
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

import { type Chip, type Code, LEVELS, UNDECIDED, approvalOf, levelOf } from './levels';

export interface CellText {
  /** "Read", "Masked, Read with approval", "Undecided (hidden until reviewed)". */
  describe: (code: Code) => string;
  chip: (chip: Chip) => string;
}

export function useCellText(): CellText {
  const { t } = useTranslation();
  return useMemo(() => {
    const level = (rank: number) => t(`levels.${LEVELS[rank] ?? 'hidden'}`);
    return {
      describe: (code: Code) => {
        if (code === UNDECIDED) return t('levels.describeUndecided');
        const approval = approvalOf(code);
        const base = level(levelOf(code));
        return approval === null ? base : t('levels.gated', { level: base, approval: level(approval) });
      },
      chip: (chip: Chip) => (chip === 'approval' ? t('levels.approval') : level(chip)),
    };
  }, [t]);
}
