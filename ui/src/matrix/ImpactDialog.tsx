/**
 * "Who would change": before setting a level on the selected cells, what every employee would
 * gain and lose (the engine's people-level diff of the edit, nothing saved). Apply makes the edit
 * exactly as the palette would.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { type CellEdit, simPeopleDiffPending } from '../lib/backend';
import { ErrorNotice } from '../shared/ErrorNotice';
import { Modal } from '../shared/Modal';
import { useFormat } from '../shared/format';
import { PeopleDiffView } from '../simulator/PeoplePane';
import { useDirectory, useQuery } from '../simulator/useSim';
import { nowIso } from '../simulator/who';
import { chipOnRect } from './actions';
import type { Layout, Rect } from './layout';
import { LEVELS, type Rank, toCell } from './levels';
import type { MatrixModel } from './model';

export function ImpactDialog({
  model,
  layout,
  rect,
  revision,
  onApply,
  onClose,
}: {
  model: MatrixModel;
  layout: Layout;
  rect: Rect;
  /** The saved revision the comparison starts from (a new one asks again). */
  revision: number;
  onApply: (level: Rank, rect: Rect) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const dir = useDirectory();
  const [level, setLevel] = useState<Rank>(0);
  const [at] = useState(nowIso);
  const changes = chipOnRect(model, layout, rect, level);
  const edits: CellEdit[] = changes.map((c) => ({ role: c.role, field: c.field, cell: toCell(c.after) }));
  const key = edits.length === 0 ? null : `${revision}|${level}|${edits.map((e) => `${e.role}/${e.field}`).join(',')}`;
  const loaded = useQuery(key, () => simPeopleDiffPending(edits, at));

  return (
    <Modal title={t('impact.title')} onClose={onClose} testId="impact-dialog" wide>
      <div className="impact-dialog">
        <label className="toolbar-field">
          <span>{t('impact.level')}</span>
          <select
            value={level}
            onChange={(e) => {
              setLevel(Number(e.target.value) as Rank);
            }}
            data-testid="impact-level"
          >
            {LEVELS.map((name, rank) => (
              <option key={name} value={rank}>
                {t(`levels.${name}`)}
              </option>
            ))}
          </select>
        </label>
        <p data-testid="impact-cells" data-cells={changes.length}>
          {changes.length === 0 ? t('impact.noCells') : t('impact.cells', { count: changes.length, cells: fmt.number(changes.length) })}
        </p>
        {loaded !== null && (
          <div aria-live="polite">
            {(loaded.status === 'loading' || dir.status === 'loading') && <p className="sim-muted">{t('sim.people.working')}</p>}
            {loaded.status === 'failed' && <ErrorNotice error={loaded.error} title={t('errors.actionTitle')} />}
            {dir.status === 'failed' && <ErrorNotice error={dir.error} title={t('errors.actionTitle')} />}
            {loaded.status === 'ready' && dir.status === 'ready' && <PeopleDiffView dir={dir.value} d={loaded.value} revision={null} />}
          </div>
        )}
      </div>
      <div className="form-actions">
        <button type="button" className="button button-quiet" onClick={onClose} data-close data-testid="impact-cancel">
          {t('impact.cancel')}
        </button>
        <button
          type="button"
          className="button"
          disabled={changes.length === 0}
          data-testid="impact-apply"
          onClick={() => {
            onApply(level, rect);
            onClose();
          }}
        >
          {t('impact.apply', { level: t(`levels.${LEVELS[level]}`) })}
        </button>
      </div>
    </Modal>
  );
}
