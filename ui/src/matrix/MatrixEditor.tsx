/**
 * The matrix editor (home screen): the toolbar (search and filters, undo and redo, add role and
 * field, the review list), the palette of grant chips, the grid, and a side panel for a role or
 * for the fields to review. It owns the editing session; every action is one session call.
 */
import type { GridSelection, Item } from '@glideapps/glide-data-grid';
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';

import { isLanguage } from '../i18n';
import * as backend from '../lib/backend';
import { type BackendError, type Field, type Role, toBackendError } from '../lib/backend';
import { ErrorNotice } from '../shared/ErrorNotice';
import { useDocumentTheme } from '../shared/theme';
import { useWorkspace } from '../workspace/WorkspaceContext';
import { chipOnRect, copyText, pasteChanges } from './actions';
import { AddFieldDialog, AddRoleDialog, DeleteRoleDialog } from './dialogs';
import { ImpactDialog } from './ImpactDialog';
import { type FieldFilter, NO_FILTER, type Rect, SENSITIVITIES, buildLayout, cellsIn } from './layout';
import type { Chip } from './levels';
import { EMPTY_SELECTION, MatrixGrid, type DropPreview, type MatrixGridHandle, selectionRect } from './MatrixGrid';
import { ACTIONS, MatrixModel, roleOf } from './model';
import { type DropTarget, Palette } from './Palette';
import { ReviewList } from './ReviewList';
import { RolePanel } from './RolePanel';
import { EditSession, type EditorBackend } from './session';
import { useCellText } from './text';

const EDITOR_BACKEND: EditorBackend = {
  editCells: backend.editCells,
  setScope: backend.setScope,
  setAction: backend.setAction,
  putRole: backend.putRole,
  reorderRoles: backend.reorderRoles,
};

type Side = { kind: 'role'; role: string } | { kind: 'review' } | null;
type Dialog = { kind: 'addRole' } | { kind: 'addField' } | { kind: 'deleteRole'; role: string } | { kind: 'impact'; rect: Rect } | null;

function isTextEntry(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}

const now = () => performance.now();

export function MatrixEditor() {
  const { generation, setLive } = useWorkspace();
  const [attempt, setAttempt] = useState(0);
  useEffect(
    () => () => {
      setLive(null);
    },
    [setLive],
  );
  // A new key (another workspace opened, or "Try again") starts a fresh load with fresh state.
  return (
    <MatrixLoader
      key={`${generation}:${attempt}`}
      retry={() => {
        setAttempt((n) => n + 1);
      }}
    />
  );
}

async function reloadModel(s: EditSession): Promise<MatrixModel> {
  const model = MatrixModel.fromView(await backend.matrixView());
  s.replaceModel(model);
  return model;
}

function MatrixLoader({ retry }: { retry: () => void }) {
  const { t } = useTranslation();
  const [session, setSession] = useState<EditSession | null>(null);
  const [loadError, setLoadError] = useState<BackendError | null>(null);
  const [notice, setNotice] = useState<BackendError | null>(null);

  useEffect(() => {
    let current = true;
    backend.matrixView().then(
      (view) => {
        if (!current) return;
        const s: EditSession = new EditSession(MatrixModel.fromView(view), EDITOR_BACKEND, (error) => {
          setNotice(error);
          // The workspace on disk is the truth: show it as it is once the writes still queued are answered.
          s.settled()
            .then(() => reloadModel(s))
            .catch((reason: unknown) => {
              setNotice(toBackendError(reason));
            });
        });
        setSession(s);
      },
      (reason: unknown) => {
        if (current) setLoadError(toBackendError(reason));
      },
    );
    return () => {
      current = false;
    };
  }, []);

  if (loadError !== null) return <ErrorNotice error={loadError} onRetry={retry} />;
  if (session === null) {
    return (
      <p className="loading" aria-busy="true" data-testid="matrix-loading">
        {t('matrix.loading')}
      </p>
    );
  }
  return (
    <Editor
      session={session}
      notice={notice}
      setNotice={setNotice}
      reloadModel={() => reloadModel(session)}
    />
  );
}

function Editor({
  session,
  notice,
  setNotice,
  reloadModel,
}: {
  session: EditSession;
  notice: BackendError | null;
  setNotice: (e: BackendError | null) => void;
  reloadModel: () => Promise<MatrixModel>;
}) {
  const { t, i18n } = useTranslation();
  const language = isLanguage(i18n.resolvedLanguage) ? i18n.resolvedLanguage : 'en';
  const theme = useDocumentTheme();
  const { setLive } = useWorkspace();
  const text = useCellText();
  const snap = useSyncExternalStore(session.subscribe, session.getSnapshot);
  const model = session.model;
  const [filter, setFilter] = useState<FieldFilter>(NO_FILTER);
  const [roleText, setRoleText] = useState('');
  const [selection, setSelection] = useState<GridSelection>(EMPTY_SELECTION);
  const [armed, setArmed] = useState<Chip | null>(null);
  const [side, setSide] = useState<Side>(null);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [preview, setPreview] = useState<DropPreview>(null);
  const [paint, setPaint] = useState<{ count: number; ms: number } | null>(null);
  const gridRef = useRef<MatrixGridHandle>(null);
  const pendingPaint = useRef<{ version: number; started: number; count: number } | null>(null);

  const layout = useMemo(
    () => buildLayout(model, filter, roleText),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `snap.version`: order, names and review state change in place
    [model, filter, roleText, snap.version],
  );
  const rows = layout.rows.length;
  const cols = layout.slots.length + 1;

  // The status bar: revision, saved or not, and the last cell action's timing.
  useEffect(() => {
    setLive({
      revision: snap.revision,
      save: snap.status,
      error: snap.error?.message ?? null,
      lastCells: snap.lastCells === null ? null : { count: snap.lastCells.count, paintMs: paint?.ms ?? null, saveMs: snap.lastCells.saveMs },
    });
  }, [snap, paint, setLive]);

  /** Applies cell changes as one action, and times it until the grid has drawn it. */
  const applyCells = useCallback(
    (changes: ReturnType<typeof chipOnRect>, started = now()) => {
      if (!session.perform({ kind: 'cells', changes })) return;
      pendingPaint.current = { version: session.getSnapshot().version, started, count: changes.length };
    },
    [session],
  );

  const onPainted = useCallback((version: number) => {
    const p = pendingPaint.current;
    if (p === null || version < p.version) return;
    pendingPaint.current = null;
    setPaint({ count: p.count, ms: now() - p.started });
  }, []);

  const onChip = useCallback(
    (chip: Chip, rect: Rect) => {
      const started = now();
      applyCells(chipOnRect(session.model, layout, rect, chip), started);
    },
    [applyCells, layout, session],
  );

  const undo = useCallback(() => {
    const started = now();
    const next = session.getSnapshot().version + 1;
    if (session.undo()) pendingPaint.current = { version: next, started, count: session.getSnapshot().lastCells?.count ?? 0 };
  }, [session]);
  const redo = useCallback(() => {
    const started = now();
    const next = session.getSnapshot().version + 1;
    if (session.redo()) pendingPaint.current = { version: next, started, count: session.getSnapshot().lastCells?.count ?? 0 };
  }, [session]);

  // Undo and redo from anywhere but a text field (which has its own).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      // Not in a text field (it has its own undo), nor behind a dialog.
      if (isTextEntry(e.target) || !(e.ctrlKey || e.metaKey) || e.altKey || document.querySelector('[aria-modal="true"]') !== null) return;
      const key = e.key.toLowerCase();
      if (key === 'z' && !e.shiftKey) {
        e.preventDefault();
        undo();
      } else if ((key === 'z' && e.shiftKey) || key === 'y') {
        e.preventDefault();
        redo();
      }
    };
    const onEscape = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !isTextEntry(e.target)) setArmed(null);
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('keydown', onEscape);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('keydown', onEscape);
    };
  }, [undo, redo]);

  const onSelectionChange = useCallback(
    (next: GridSelection) => {
      // A click on a field name selects its whole row: every role for that field.
      const current = next.current;
      const range = current?.range;
      if (current !== undefined && range !== undefined && range.x === 0 && range.width === 1 && range.height === 1 && cols > 1) {
        setSelection({ ...next, current: { ...current, range: { x: 0, y: range.y, width: cols, height: 1 } } });
        return;
      }
      setSelection(next);
    },
    [cols],
  );

  const roleName = useCallback(
    (slot: number | undefined) => {
      const r = slot === undefined ? undefined : model.roles[slot];
      return r === undefined ? '' : language === 'zh' ? r.nameZh : r.nameEn;
    },
    [model, language],
  );

  const fieldName = useCallback(
    (f: number | undefined) => {
      const field = f === undefined ? undefined : model.fields[f];
      return field === undefined ? '' : language === 'zh' ? field.labelZh : field.labelEn;
    },
    [model, language],
  );

  /** What a chip dropped at a screen point would do; also previews it on the grid. */
  const resolveDrop = useCallback(
    (x: number, y: number, chip: Chip): DropTarget | null => {
      const spot = gridRef.current?.locate(x, y) ?? { kind: 'outside' as const };
      const name = text.chip(chip);
      let rect: Rect | null = null;
      let label = '';
      let nextPreview: DropPreview = null;
      if (spot.kind === 'cell') {
        const sel = selectionRect(selection, rows, cols);
        const inside = sel !== undefined && sel.width * sel.height > 1 && spot.col >= sel.x && spot.col < sel.x + sel.width && spot.row >= sel.y && spot.row < sel.y + sel.height;
        const row = layout.rows[spot.row];
        if (inside) {
          rect = sel;
          const { fields, slots } = cellsIn(layout, sel);
          label = t('palette.dropRange', { chip: name, count: fields.length * slots.length });
        } else {
          rect = { x: spot.col, y: spot.row, width: 1, height: 1 };
          if (row?.kind === 'group') {
            const { fields, slots } = cellsIn(layout, rect);
            label = t('palette.dropRange', { chip: name, count: fields.length * slots.length });
          } else {
            label = t('palette.dropCell', { chip: name, role: roleName(layout.slots[spot.col - 1]), field: fieldName(row?.kind === 'field' ? row.field : undefined) });
          }
        }
        nextPreview = { kind: 'rect', rect };
      } else if (spot.kind === 'rowHeader') {
        const row = layout.rows[spot.row];
        rect = { x: 0, y: spot.row, width: cols, height: 1 };
        label =
          row?.kind === 'field'
            ? t('palette.dropRow', { chip: name, field: fieldName(row.field) })
            : t('palette.dropRange', { chip: name, count: cellsIn(layout, rect).fields.length * layout.slots.length });
        nextPreview = { kind: 'rect', rect };
      } else if (spot.kind === 'columnHeader') {
        rect = { x: spot.col, y: 0, width: 1, height: rows };
        label = t('palette.dropColumn', { chip: name, role: roleName(layout.slots[spot.col - 1]) });
        nextPreview = { kind: 'column', col: spot.col };
      }
      setPreview(nextPreview);
      if (rect === null) return null;
      const target = rect;
      return {
        label,
        apply: () => {
          onChip(chip, target);
          setSelection({ ...EMPTY_SELECTION, current: { cell: [Math.max(1, target.x), target.y], range: target, rangeStack: [] } });
          gridRef.current?.focus();
        },
      };
    },
    [selection, rows, cols, layout, t, text, roleName, fieldName, onChip],
  );

  const onPaste = useCallback(
    (target: Item, values: string[][], sel: Rect | undefined) => {
      applyCells(pasteChanges(session.model, layout, target, values, sel));
      const single = values.length === 1 && values[0]?.length === 1;
      if (!single) {
        // Show what was pasted: the rectangle it covers.
        const width = Math.max(...values.map((r) => r.length));
        const range = { x: Math.max(1, target[0]), y: target[1], width, height: values.length };
        setSelection({ ...EMPTY_SELECTION, current: { cell: [range.x, range.y], range, rangeStack: [] } });
      }
    },
    [applyCells, layout, session],
  );

  const onCopyText = useCallback((rect: Rect) => copyText(session.model, layout, rect), [layout, session]);

  const onRoleHeader = useCallback(
    (col: number) => {
      const slot = layout.slots[col - 1];
      const role = slot === undefined ? undefined : model.roles[slot];
      if (role === undefined) return;
      setSide({ kind: 'role', role: role.id });
      setSelection({ ...EMPTY_SELECTION, current: { cell: [col, 0], range: { x: col, y: 0, width: 1, height: rows }, rangeStack: [] } });
    },
    [layout, model, rows],
  );

  const onMoveRole = useCallback(
    (from: number, to: number) => {
      const moved = model.roles[layout.slots[from - 1] ?? -1]?.id;
      const onto = model.roles[layout.slots[to - 1] ?? -1]?.id;
      if (moved === undefined || onto === undefined) return;
      const before = model.orderedRoleIds();
      const without = before.filter((id) => id !== moved);
      const at = without.indexOf(onto) + (to > from ? 1 : 0);
      const after = [...without.slice(0, at), moved, ...without.slice(at)];
      session.perform({ kind: 'order', before, after });
    },
    [layout, model, session],
  );

  /** Selects a field's row (every role) and scrolls to it, clearing the filters if they hide it. */
  const reveal = useCallback(
    (m: MatrixModel, f: number) => {
      let l = buildLayout(m, filter, roleText);
      let row = l.rowOfField.get(f);
      if (row === undefined) {
        setFilter(NO_FILTER);
        l = buildLayout(m, NO_FILTER, roleText);
        row = l.rowOfField.get(f);
      }
      if (row === undefined) return;
      const target = row;
      setSelection({ ...EMPTY_SELECTION, current: { cell: [1, target], range: { x: 0, y: target, width: l.slots.length + 1, height: 1 }, rangeStack: [] } });
      // After the grid has the new rows.
      setTimeout(() => {
        gridRef.current?.scrollToRow(target);
        gridRef.current?.focus();
      }, 0);
    },
    [filter, roleText],
  );

  const showField = useCallback(
    (f: number) => {
      reveal(session.model, f);
    },
    [reveal, session],
  );

  const addRole = useCallback(
    async (role: Role) => {
      await backend.putRole(role);
      await reloadModel();
      setSide({ kind: 'role', role: role.id });
    },
    [reloadModel],
  );

  const addField = useCallback(
    async (field: Field) => {
      await backend.putField(field);
      const next = await reloadModel();
      setSide({ kind: 'review' });
      const f = next.fieldIndex.get(field.id);
      if (f !== undefined) reveal(next, f);
    },
    [reloadModel, reveal],
  );

  const deleteRole = useCallback(
    async (role: string) => {
      await backend.deleteRole(role);
      await reloadModel();
      setSide(null);
      setSelection(EMPTY_SELECTION);
    },
    [reloadModel],
  );

  const toReview = model.fieldsToReview().length;
  const empty = layout.shownFields === 0 || layout.slots.length === 0;

  return (
    <div className="editor" data-testid="matrix-editor" data-revision={snap.revision} data-save={snap.status}>
      <h1 className="visually-hidden">{t('matrix.heading')}</h1>
      <div className="editor-toolbar" role="search">
        <label className="toolbar-field">
          <span>{t('matrix.searchFields')}</span>
          <input
            type="search"
            value={filter.text}
            placeholder={t('matrix.searchFieldsPlaceholder')}
            onChange={(e) => { setFilter({ ...filter, text: e.target.value }); }}
            data-testid="search-fields"
          />
        </label>
        <label className="toolbar-field">
          <span>{t('matrix.filterObject')}</span>
          <select value={filter.object} onChange={(e) => { setFilter({ ...filter, object: e.target.value }); }} data-testid="filter-object">
            <option value="all">{t('matrix.allObjects')}</option>
            {model.objects.map((o) => (
              <option key={o.id} value={o.id}>
                {language === 'zh' ? o.nameZh : o.nameEn}
              </option>
            ))}
          </select>
        </label>
        <label className="toolbar-field">
          <span>{t('matrix.filterSensitivity')}</span>
          <select
            value={filter.sensitivity}
            onChange={(e) => { setFilter({ ...filter, sensitivity: e.target.value as FieldFilter['sensitivity'] }); }}
            data-testid="filter-sensitivity"
          >
            <option value="all">{t('matrix.allSensitivities')}</option>
            {SENSITIVITIES.map((s) => (
              <option key={s} value={s}>
                {t(`sensitivity.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="toolbar-check">
          <input type="checkbox" checked={filter.reviewOnly} onChange={(e) => { setFilter({ ...filter, reviewOnly: e.target.checked }); }} data-testid="filter-review" />
          <span>{t('matrix.reviewOnly')}</span>
        </label>
        <label className="toolbar-field">
          <span>{t('matrix.searchRoles')}</span>
          <input type="search" value={roleText} placeholder={t('matrix.searchRolesPlaceholder')} onChange={(e) => { setRoleText(e.target.value); }} data-testid="search-roles" />
        </label>
        <div className="toolbar-actions">
          <button type="button" className="button button-quiet" onClick={undo} disabled={!snap.canUndo} title={t('matrix.undoHint')} data-testid="undo">
            ↶ {t('matrix.undo')}
          </button>
          <button type="button" className="button button-quiet" onClick={redo} disabled={!snap.canRedo} title={t('matrix.redoHint')} data-testid="redo">
            ↷ {t('matrix.redo')}
          </button>
        </div>
      </div>

      <div className="palette-row">
        <Palette
          armed={armed}
          onArm={setArmed}
          resolve={resolveDrop}
          onDragEnd={() => {
            setPreview(null);
          }}
        />
        <div className="toolbar-actions">
          <button
            type="button"
            className={toReview > 0 ? 'button button-attention' : 'button button-quiet'}
            onClick={() => {
              setSide(side?.kind === 'review' ? null : { kind: 'review' });
            }}
            aria-pressed={side?.kind === 'review'}
            data-testid="review-toggle"
          >
            {t('review.count', { count: toReview })}
          </button>
          <button
            type="button"
            className="button button-quiet"
            disabled={selectionRect(selection, rows, cols) === undefined}
            title={t('impact.hint')}
            onClick={() => {
              const rect = selectionRect(selection, rows, cols);
              if (rect !== undefined) setDialog({ kind: 'impact', rect });
            }}
            data-testid="impact"
          >
            {t('impact.open')}
          </button>
          <button
            type="button"
            className="button button-quiet"
            onClick={() => {
              setDialog({ kind: 'addRole' });
            }}
            data-testid="add-role"
          >
            + {t('matrix.addRole')}
          </button>
          <button
            type="button"
            className="button button-quiet"
            onClick={() => {
              setDialog({ kind: 'addField' });
            }}
            data-testid="add-field"
          >
            + {t('matrix.addField')}
          </button>
        </div>
      </div>

      {notice !== null && (
        <div className="editor-notice">
          <ErrorNotice error={notice} title={t('errors.saveTitle')} />
          <div>
            <p>{t('matrix.reloadAfterFailure')}</p>
            <button
              type="button"
              className="button button-quiet"
              onClick={() => {
                setNotice(null);
              }}
            >
              {t('review.close')}
            </button>
          </div>
        </div>
      )}

      <div className="editor-body">
        {empty ? (
          <p className="editor-empty" data-testid="no-match">
            {model.fields.length === 0 || model.roles.length === 0 ? t('matrix.emptyWorkspace') : t('matrix.noMatch')}
          </p>
        ) : (
          <MatrixGrid
            ref={gridRef}
            model={model}
            layout={layout}
            version={snap.version}
            language={language}
            dark={theme === 'dark'}
            selection={selection}
            onSelectionChange={onSelectionChange}
            armed={armed}
            onDisarm={() => { setArmed(null); }}
            onChip={onChip}
            onPaste={onPaste}
            copyText={onCopyText}
            dropPreview={preview}
            onRoleHeader={onRoleHeader}
            onMoveRole={onMoveRole}
            onPainted={onPainted}
          />
        )}
        {side?.kind === 'role' && (
          <RolePanel
            model={model}
            roleId={side.role}
            version={snap.version}
            onRename={(after) => {
              const slot = model.roleSlot.get(after.id);
              const column = slot === undefined ? undefined : model.roles[slot];
              if (column === undefined) return;
              session.perform({ kind: 'role', before: roleOf(column), after });
            }}
            onReach={(object, reach) => {
              const p = model.policy(side.role, object);
              session.perform({ kind: 'scope', role: side.role, object, before: { scope: p.scope, maxTier: p.maxTier }, after: reach });
            }}
            onAction={(object, action, effect) => {
              const p = model.policy(side.role, object);
              const before = p.actions[ACTIONS.indexOf(action)] ?? 'deny';
              session.perform({ kind: 'action', role: side.role, object, action, before, after: effect });
            }}
            onDelete={() => { setDialog({ kind: 'deleteRole', role: side.role }); }}
            onClose={() => { setSide(null); }}
          />
        )}
        {side?.kind === 'review' && <ReviewList model={model} version={snap.version} onShow={showField} onClose={() => { setSide(null); }} />}
      </div>
      <p className="editor-shortcuts" data-testid="shortcuts" data-last-paint-ms={paint === null ? undefined : paint.ms.toFixed(1)} data-last-paint-cells={paint?.count}>
        {t('matrix.shortcuts')}
      </p>

      {dialog?.kind === 'impact' && (
        <ImpactDialog
          model={model}
          layout={layout}
          rect={dialog.rect}
          revision={snap.revision}
          onApply={onChip}
          onClose={() => {
            setDialog(null);
          }}
        />
      )}
      {dialog?.kind === 'addRole' && <AddRoleDialog model={model} onAdd={addRole} onClose={() => { setDialog(null); }} />}
      {dialog?.kind === 'addField' && <AddFieldDialog model={model} onAdd={addField} onClose={() => { setDialog(null); }} />}
      {dialog?.kind === 'deleteRole' && (
        <DeleteRoleDialog model={model} roleId={dialog.role} impact={backend.roleDeletionImpact} onDelete={deleteRole} onClose={() => { setDialog(null); }} />
      )}
    </div>
  );
}
