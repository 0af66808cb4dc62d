/**
 * One simulated view: "sees N of M customers", the customer table as the person would see it
 * (virtualised, paged from the engine), the actions on the selected customer and a bulk export
 * of the whole view, and the explanation of a clicked cell. `revision` re-runs the simulation
 * (the live preview passes the matrix's saved revision).
 */
import { useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { type Directory, type Effect, type SimulationReport, type ViewAction, type ViewRow, type Who, simView } from '../lib/backend';
import { ErrorNotice } from '../shared/ErrorNotice';
import { useFormat } from '../shared/format';
import { ExplanationPanel } from './ExplanationPanel';
import { SimGrid } from './SimGrid';
import { useLanguage, useQuery } from './useSim';
import { fieldLabel, nowIso, roleName, whoKey, whoLabel } from './who';

export const PAGE = 200;
const SHOWN_ACTIONS = ['export', 'share', 'transfer'] as const;
/** Shapes beside the words, so an effect is never told by colour alone. */
const EFFECT_MARK: Record<Effect, string> = { allow: '✓', approval: '◑', deny: '✕' };

/** A view on screen, with the pages of rows fetched so far. */
interface Shown {
  key: string;
  who: Who;
  at: string;
  report: SimulationReport;
  pages: Map<number, ViewRow[]>;
  pending: Set<number>;
}

export function EffectBadge({ effect, alert, approvals, label, testId }: { effect: Effect; alert: boolean; approvals: number; label: string; testId: string }) {
  const { t } = useTranslation();
  return (
    <span className={`sim-action sim-effect-${effect}`} data-testid={testId} data-effect={effect} data-alert={alert ? 'yes' : 'no'}>
      <span aria-hidden="true">{EFFECT_MARK[effect]}</span> {label}: {t(`sim.effect.${effect}`)}
      {effect === 'approval' && approvals > 1 && <> · {t('sim.approvals', { count: approvals })}</>}
      {alert && <span className="sim-alert"> · ⚠ {t('sim.alert')}</span>}
    </span>
  );
}

export function SimView({ dir, who, revision, compact = false }: { dir: Directory; who: Who; revision: number; compact?: boolean }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const fmt = useFormat();
  const key = `${whoKey(who)}|${revision}`;
  // A new person or a new revision: simulate again, now.
  // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` names the question; the time is when it is asked
  const at = useMemo(() => nowIso(), [key]);
  const queryKey = `${key}|${at}`;
  const first = useQuery<SimulationReport>(queryKey, () => simView(who, at, 0, PAGE));

  // The view on screen: the last one answered, kept while a newer one is computed (no flicker
  // in the live preview). Later pages are fetched as they scroll into view (into `pages`, from
  // outside React's render: the grid asks while it draws).
  const [shown, setShown] = useState<Shown | null>(null);
  if (first?.status === 'ready' && shown?.key !== queryKey) {
    setShown({ key: queryKey, who, at, report: first.value, pages: new Map([[0, first.value.page.rows]]), pending: new Set([0]) });
  }
  const [version, setVersion] = useState(0);
  const [picked, setPicked] = useState<{ key: string; row: number; field: string | null } | null>(null);
  const selected = picked !== null && picked.key === shown?.key ? picked : null;

  const row = useCallback(
    (r: number): ViewRow | undefined => {
      if (shown === null) return undefined;
      const p = Math.floor(r / PAGE);
      const rows = shown.pages.get(p);
      if (rows !== undefined) return rows[r - p * PAGE];
      if (!shown.pending.has(p)) {
        // Asked once: a page that failed is not asked for again on every redraw.
        shown.pending.add(p);
        void simView(shown.who, shown.at, p * PAGE, PAGE).then(
          (report) => {
            shown.pages.set(p, report.page.rows);
            setVersion((v) => v + 1);
          },
          () => undefined,
        );
      }
      return undefined;
    },
    [shown],
  );

  if (first?.status === 'failed') return <ErrorNotice error={first.error} title={t('errors.actionTitle')} />;
  if (shown === null) {
    return (
      <div className="sim-view sim-loading" data-testid="sim-loading">
        {t('sim.loading')}
      </div>
    );
  }
  const updating = first?.status === 'loading';
  const { report } = shown;
  const { page } = report;
  const selRow = selected === null ? undefined : row(selected.row);
  const actionRow = selRow ?? page.rows[0];
  const hiddenCount = dir.fields.length - page.columns.length;
  const bulk = report.bulkExport;
  const action = (a: (typeof SHOWN_ACTIONS)[number]): ViewAction | undefined => actionRow?.actions.find((x) => x.action === a);

  return (
    <div className={compact ? 'sim-view sim-view-compact' : 'sim-view'} data-testid="sim-view" data-key={shown.key} data-updating={updating ? 'yes' : 'no'} data-at={page.at}>
      <div className="sim-summary">
        <p className="sim-sees" data-testid="sim-sees" data-visible={page.visible} data-total={page.total}>
          <strong>{shown.who.kind === 'employee' ? report.name : whoLabel(dir, shown.who, lang)}</strong>{' '}
          {page.visible === 0 ? t('sim.seesNone', { total: fmt.number(page.total) }) : t('sim.sees', { visible: fmt.number(page.visible), total: fmt.number(page.total) })}
          {hiddenCount > 0 && <span className="sim-muted"> · {t('sim.columnsHidden', { count: hiddenCount })}</span>}
          {updating && <span className="sim-muted"> · {t('sim.loading')}</span>}
        </p>
        {!report.active && <p className="notice notice-warning">{t('sim.notActive')}</p>}
        {!compact && report.roles.length > 0 && (
          <p className="sim-muted sim-roles-line">
            {t('sim.rolesInForce')} {report.roles.map((r) => roleName(dir, r, lang)).join('、')}
          </p>
        )}
      </div>
      <div className="sim-actions" data-testid="sim-actions">
        <span className="sim-actions-title">{actionRow === undefined ? t('sim.actionsNoRow') : t('sim.actionsFor', { customer: actionRow.id })}</span>
        {SHOWN_ACTIONS.map((a) => {
          const x = action(a);
          return x === undefined ? null : <EffectBadge key={a} effect={x.effect} alert={x.alert} approvals={x.approvals} label={t(`action.${a}`)} testId={`sim-action-${a}`} />;
        })}
        <EffectBadge effect={bulk.effect} alert={bulk.alert} approvals={bulk.approvals} label={t('sim.bulk', { count: fmt.number(bulk.records) })} testId="sim-action-bulk_export" />
        {bulk.guardrails.length > 0 && (
          <span className="sim-muted sim-rules" data-testid="sim-bulk-rules">
            {bulk.guardrails.map((g) => (lang === 'zh' ? g.nameZh : g.nameEn)).join('；')}
          </span>
        )}
        {bulk.excludedFields.length > 0 && !compact && (
          <span className="sim-muted">{t('sim.excluded', { fields: bulk.excludedFields.map((f) => fieldLabel(dir, f, lang)).join(', ') })}</span>
        )}
      </div>
      <div className="sim-body">
        <SimGrid
          dir={dir}
          columns={page.columns}
          visible={page.visible}
          row={row}
          version={version}
          selected={selected === null ? null : { row: selected.row, col: selected.field === null ? 0 : 3 + page.columns.findIndex((c) => c.field === selected.field) }}
          onCell={(r, field) => {
            setPicked({ key: shown.key, row: r, field });
          }}
        />
        {selected !== null && selected.field !== null && selRow !== undefined && (
          <ExplanationPanel
            dir={dir}
            who={shown.who}
            field={selected.field}
            customer={selRow.id}
            at={shown.at}
            onClose={() => {
              setPicked({ ...selected, field: null });
            }}
          />
        )}
      </div>
      {!compact && <p className="sim-muted">{t('sim.clickHint')}</p>}
    </div>
  );
}
