/**
 * The matrix grid: Glide Data Grid (canvas, virtualised: only the visible cells are drawn, so
 * 500 roles x 5,000 fields scroll at display rate) with the field column and the role headers
 * frozen. It draws cells itself (./draw), turns keys into actions (0-3, A, Delete), handles
 * copy and paste of ranges, paints with an armed chip, and reorders roles by header drag.
 * Pointer drops from the palette find their target through `locate`.
 */
import {
  CompactSelection,
  DataEditor,
  type DataEditorRef,
  type DrawCellCallback,
  type DrawHeaderCallback,
  type GridCell,
  GridCellKind,
  type GridColumn,
  type GridKeyEventArgs,
  type GridSelection,
  type Item,
  type Theme,
} from '@glideapps/glide-data-grid';
import '@glideapps/glide-data-grid/dist/index.css';
import { forwardRef, useCallback, useEffect, useImperativeHandle, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';

import type { Language } from '../i18n';
import { DARK, LIGHT, type Letters, drawFieldCell, drawGroupCell, drawLevelCell, drawRoleHeader } from './draw';
import { GRID, type Spot, locate } from './geometry';
import type { Layout, Rect } from './layout';
import type { Chip, Code } from './levels';
import type { MatrixModel } from './model';
import { useCellText } from './text';

export interface MatrixGridHandle {
  /** Where a screen point falls on the grid. */
  locate: (clientX: number, clientY: number) => Spot;
  focus: () => void;
  scrollToRow: (row: number) => void;
}

/** What a chip dragged from the palette would land on, to preview it. */
export type DropPreview = { kind: 'rect'; rect: Rect } | { kind: 'column'; col: number } | null;

export interface MatrixGridProps {
  model: MatrixModel;
  layout: Layout;
  /** Bumped whenever a cell changes: the grid redraws. */
  version: number;
  language: Language;
  dark: boolean;
  selection: GridSelection;
  onSelectionChange: (selection: GridSelection) => void;
  /** The chip painting with press-and-drag, if one is armed. */
  armed: Chip | null;
  onDisarm: () => void;
  /** A chip applied to the selection (key 0-3, A, Delete, or a paint stroke ending). */
  onChip: (chip: Chip, rect: Rect) => void;
  onPaste: (target: Item, values: string[][], selection: Rect | undefined) => void;
  copyText: (rect: Rect) => string;
  dropPreview: DropPreview;
  onRoleHeader: (col: number) => void;
  onMoveRole: (fromCol: number, toCol: number) => void;
  /** Called after each redraw that followed a model change, with the frame time. */
  onPainted?: (version: number) => void;
}

/** Runs `fn` two animation frames from now (after the frame that draws the current state); returns a cancel. */
function afterNextPaint(fn: () => void): () => void {
  let inner = 0;
  const outer = requestAnimationFrame(() => {
    inner = requestAnimationFrame(fn);
  });
  return () => {
    cancelAnimationFrame(outer);
    cancelAnimationFrame(inner);
  };
}

export const EMPTY_SELECTION: GridSelection = { columns: CompactSelection.empty(), rows: CompactSelection.empty() };

/** The selected rectangle: the current range, or whole selected columns / rows. */
export function selectionRect(sel: GridSelection, rows: number, cols: number): Rect | undefined {
  if (sel.current !== undefined) return sel.current.range;
  const c = sel.columns;
  if (c.length > 0) {
    const first = c.first() ?? 0;
    const last = c.last() ?? first;
    return { x: first, y: 0, width: last - first + 1, height: rows };
  }
  const r = sel.rows;
  if (r.length > 0) {
    const first = r.first() ?? 0;
    const last = r.last() ?? first;
    return { x: 0, y: first, width: cols, height: last - first + 1 };
  }
  return undefined;
}

function isTextEntry(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}

export const MatrixGrid = forwardRef<MatrixGridHandle, MatrixGridProps>(function MatrixGrid(props, ref) {
  const { model, layout, version, language, dark, selection, onSelectionChange, armed, onDisarm, onChip, onPaste, copyText, dropPreview, onRoleHeader, onMoveRole, onPainted } = props;
  const { t } = useTranslation();
  const { describe } = useCellText();
  const editorRef = useRef<DataEditorRef>(null);
  const boxRef = useRef<HTMLDivElement>(null);
  const selectionRef = useRef(selection);
  const stroke = useRef(false);
  const palette = dark ? DARK : LIGHT;
  const rows = layout.rows.length;
  const cols = layout.slots.length + 1;

  const letters: Letters = useMemo(
    () => ({
      level: [t('levels.letter.hidden'), t('levels.letter.masked'), t('levels.letter.read'), t('levels.letter.edit')],
      undecided: t('levels.letter.undecided'),
    }),
    [t],
  );

  const roleName = useCallback(
    (slot: number | undefined) => {
      const r = slot === undefined ? undefined : model.roles[slot];
      return r === undefined ? '' : language === 'zh' ? r.nameZh : r.nameEn;
    },
    [model, language],
  );

  const columns: GridColumn[] = useMemo(
    () => [
      { id: '__field', title: t('matrix.fieldColumn'), width: GRID.fieldWidth },
      ...layout.slots.map((slot) => ({ id: model.roles[slot]?.id ?? String(slot), title: roleName(slot), width: GRID.roleWidth })),
    ],
    // `version`: a rename changes the title without changing the model object.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [layout, model, roleName, t, version],
  );

  const codeAt = useCallback(
    (col: number, row: number): Code | null => {
      const r = layout.rows[row];
      const slot = layout.slots[col - 1];
      if (r?.kind !== 'field' || slot === undefined) return null;
      return model.get(r.field, slot);
    },
    [layout, model],
  );

  const groupTitle = useCallback(
    (row: number): string | null => {
      const r = layout.rows[row];
      if (r?.kind !== 'group') return null;
      const object = model.objects.find((o) => o.id === r.object);
      const objectName = object === undefined ? r.object : language === 'zh' ? object.nameZh : object.nameEn;
      return `${objectName} · ${t(`category.${r.category}`)} · ${t('matrix.groupCount', { count: r.fields.length })}`;
    },
    [layout, model, language, t],
  );

  const getCellContent = useCallback(
    ([col, row]: Item): GridCell => {
      const r = layout.rows[row];
      let text = '';
      if (r?.kind === 'group') {
        text = col === 0 ? (groupTitle(row) ?? '') : '';
      } else if (r !== undefined && col === 0) {
        const f = model.fields[r.field];
        if (f !== undefined) text = `${language === 'zh' ? f.labelZh : f.labelEn} (${t(`sensitivity.${f.sensitivity}`)})`;
      } else {
        const code = codeAt(col, row);
        if (code !== null) text = describe(code);
      }
      // The grid's accessibility tree reads `data`: the cell in words, never by colour.
      return { kind: GridCellKind.Text, data: text, displayData: text, allowOverlay: false, readonly: true };
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `version`: cells changed in place
    [layout, model, codeAt, groupTitle, language, t, describe, version],
  );

  const drawCell: DrawCellCallback = useCallback(
    (args) => {
      const { ctx, rect, col, row, highlighted } = args;
      const r = layout.rows[row];
      if (r === undefined) return;
      if (r.kind === 'group') {
        drawGroupCell(ctx, rect, col === 0 ? groupTitle(row) : null, palette, highlighted);
        return;
      }
      if (col === 0) {
        const f = model.fields[r.field];
        if (f === undefined) return;
        const open = model.undecided[r.field] ?? 0;
        drawFieldCell(
          ctx,
          rect,
          language === 'zh' ? f.labelZh : f.labelEn,
          f.id,
          f.sensitivity,
          t(`sensitivity.${f.sensitivity}`),
          open > 0 ? t('matrix.toReviewMark', { count: open }) : null,
          palette,
          highlighted,
        );
        return;
      }
      const code = codeAt(col, row);
      if (code !== null) drawLevelCell(ctx, rect, code, palette, letters, highlighted);
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `version`: cells changed in place
    [layout, model, codeAt, groupTitle, palette, letters, language, t, version],
  );

  const dropColumn = dropPreview?.kind === 'column' ? dropPreview.col : -1;
  const selectedCols = useMemo(() => {
    const rect = selection.current?.range;
    return rect !== undefined && rect.height >= rows && rows > 0 ? [rect.x, rect.x + rect.width] : [-1, -1];
  }, [selection, rows]);

  const drawHeader: DrawHeaderCallback = useCallback(
    (args) => {
      const { ctx, rect, columnIndex, isHovered } = args;
      if (columnIndex === 0) {
        ctx.save();
        ctx.fillStyle = palette.text;
        ctx.font = "600 13px system-ui, 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', sans-serif";
        ctx.textBaseline = 'middle';
        ctx.fillText(t('matrix.fieldColumn'), rect.x + 10, rect.y + 18);
        ctx.fillStyle = palette.muted;
        ctx.font = "11px system-ui, 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', sans-serif";
        ctx.fillText(t('matrix.fieldCount', { shown: layout.shownFields, total: model.fields.length }), rect.x + 10, rect.y + 38);
        ctx.fillText(t('matrix.roleCount', { shown: layout.slots.length, total: model.roles.length }), rect.x + 10, rect.y + 53);
        ctx.restore();
        return;
      }
      const slot = layout.slots[columnIndex - 1];
      const role = slot === undefined ? undefined : model.roles[slot];
      drawRoleHeader(ctx, rect, roleName(slot), t('matrix.holders', { count: role?.holders ?? 0 }), palette, {
        selected: columnIndex >= (selectedCols[0] ?? -1) && columnIndex < (selectedCols[1] ?? -1),
        drop: columnIndex === dropColumn,
        hovered: isHovered,
      });
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `version`: renames
    [layout, model, palette, roleName, t, dropColumn, selectedCols, version],
  );

  const theme: Partial<Theme> = useMemo(
    () =>
      dark
        ? {
            accentColor: '#7fb2f0',
            accentLight: 'rgba(127, 178, 240, 0.2)',
            bgCell: '#1a212b',
            bgCellMedium: '#222b37',
            bgHeader: '#222b37',
            bgHeaderHasFocus: '#2b3644',
            bgHeaderHovered: '#2b3644',
            textDark: '#e6ebf2',
            textMedium: '#9aa8ba',
            textLight: '#7d8a9b',
            textHeader: '#e6ebf2',
            borderColor: '#344152',
            horizontalBorderColor: '#2c3745',
            headerBottomBorderColor: '#4a5a6e',
          }
        : {
            accentColor: '#1f5fae',
            accentLight: 'rgba(31, 95, 174, 0.16)',
            bgCell: '#ffffff',
            bgCellMedium: '#f4f6f9',
            bgHeader: '#f4f6f9',
            bgHeaderHasFocus: '#e6ecf4',
            bgHeaderHovered: '#e6ecf4',
            textDark: '#18212d',
            textMedium: '#556274',
            textLight: '#7d8a9b',
            textHeader: '#18212d',
            borderColor: '#d5dce5',
            horizontalBorderColor: '#e4e8ee',
            headerBottomBorderColor: '#b9c4d2',
          },
    [dark],
  );

  const highlightRegions = useMemo(() => {
    if (dropPreview === null) return undefined;
    const range = dropPreview.kind === 'rect' ? dropPreview.rect : { x: dropPreview.col, y: 0, width: 1, height: rows };
    return [{ color: palette.drop, range, style: 'solid-outline' as const }];
  }, [dropPreview, palette, rows]);

  /**
   * Keyboard focus on the grid. Glide focuses the cell of its accessibility table, which WebKit
   * (the Linux and macOS webviews) does not let take focus; the canvas then takes it instead,
   * so the keys reach the grid in every webview.
   */
  const focusGrid = useCallback(() => {
    editorRef.current?.focus();
    const box = boxRef.current;
    if (box !== null && !box.contains(document.activeElement)) {
      box.querySelector('canvas')?.focus({ preventScroll: true });
    }
  }, []);

  const handleSelection = useCallback(
    (next: GridSelection) => {
      selectionRef.current = next;
      onSelectionChange(next);
      requestAnimationFrame(() => {
        const box = boxRef.current;
        if (box !== null && !box.contains(document.activeElement)) focusGrid();
      });
    },
    [onSelectionChange, focusGrid],
  );
  useEffect(() => {
    selectionRef.current = selection;
  }, [selection]);

  const currentRect = useCallback(() => selectionRect(selectionRef.current, rows, cols), [rows, cols]);

  const onKeyDown = useCallback(
    (e: GridKeyEventArgs) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const rect = currentRect();
      let chip: Chip | null = null;
      if (/^[0-3]$/.test(e.key)) chip = Number(e.key) as Chip;
      else if (e.key === 'a' || e.key === 'A' || e.key === '+') chip = 'approval';
      else if (e.key === 'Delete' || e.key === 'Backspace') chip = 0;
      else if (e.key === 'Escape' && armed !== null) {
        onDisarm();
        e.cancel();
        return;
      }
      if (chip === null || rect === undefined) return;
      e.cancel();
      e.preventDefault();
      onChip(chip, rect);
    },
    [armed, currentRect, onChip, onDisarm],
  );

  // Copy and paste of ranges, while the grid has the focus.
  useEffect(() => {
    const focused = () => boxRef.current?.contains(document.activeElement) === true && !isTextEntry(document.activeElement);
    const onCopy = (e: ClipboardEvent) => {
      const rect = currentRect();
      if (!focused() || rect === undefined || e.clipboardData === null) return;
      e.clipboardData.setData('text/plain', copyText(rect));
      e.preventDefault();
    };
    const onPasteEvent = (e: ClipboardEvent) => {
      const sel = selectionRef.current;
      if (!focused() || sel.current === undefined || e.clipboardData === null) return;
      const data = e.clipboardData.getData('text/plain');
      e.preventDefault();
      const values = data
        .replace(/\r\n?/g, '\n')
        .replace(/\n$/, '')
        .split('\n')
        .map((line) => line.split(data.includes('\t') ? '\t' : ','));
      onPaste(sel.current.cell, values, sel.current.range);
    };
    window.addEventListener('copy', onCopy);
    window.addEventListener('paste', onPasteEvent);
    return () => {
      window.removeEventListener('copy', onCopy);
      window.removeEventListener('paste', onPasteEvent);
    };
  }, [copyText, currentRect, onPaste]);

  const geometry = useCallback(() => {
    const box = boxRef.current?.getBoundingClientRect();
    const origin = editorRef.current?.getBounds(1, 0);
    if (box === undefined) return undefined;
    return {
      left: box.left,
      top: box.top,
      width: box.width,
      height: box.height,
      originX: origin?.x ?? box.left + GRID.fieldWidth,
      originY: origin?.y ?? box.top + GRID.headerHeight,
      cols,
      rows,
    };
  }, [cols, rows]);

  useImperativeHandle(
    ref,
    () => ({
      locate: (x, y) => {
        const g = geometry();
        return g === undefined ? { kind: 'outside' } : locate(x, y, g);
      },
      focus: focusGrid,
      scrollToRow: (row) => editorRef.current?.scrollTo(0, row, 'vertical', 0, 0, { vAlign: 'center' }),
    }),
    [geometry, focusGrid],
  );

  // A paint stroke: with a chip armed, press on a cell, drag, release: the chip covers what was selected.
  useEffect(() => {
    const onUp = () => {
      if (!stroke.current) return;
      stroke.current = false;
      const rect = currentRect();
      if (armed !== null && rect !== undefined) onChip(armed, rect);
    };
    window.addEventListener('pointerup', onUp);
    return () => { window.removeEventListener('pointerup', onUp); };
  }, [armed, currentRect, onChip]);

  const onPointerDownCapture = useCallback(
    (e: React.PointerEvent) => {
      if (armed === null || e.button !== 0) return;
      const g = geometry();
      const spot = g === undefined ? undefined : locate(e.clientX, e.clientY, g);
      stroke.current = spot?.kind === 'cell' || spot?.kind === 'rowHeader';
    },
    [armed, geometry],
  );

  // The first matrix drawn since the window opened, in ms from the page's start: what the
  // cold-start measurement (tests/desktop/startup.measure.ts) reads.
  useEffect(
    () =>
      afterNextPaint(() => {
        document.documentElement.dataset.firstMatrixMs ??= String(Math.round(performance.now()));
      }),
    [],
  );

  // Report the frame after a change was drawn (for the paint timing the status bar shows).
  useEffect(() => {
    if (onPainted === undefined) return;
    return afterNextPaint(() => {
      onPainted(version);
    });
  }, [version, onPainted]);

  return (
    <div
      className={armed === null ? 'matrix-grid' : 'matrix-grid matrix-grid-armed'}
      ref={boxRef}
      onPointerDownCapture={onPointerDownCapture}
      data-testid="matrix-grid"
      data-rows={rows}
      data-cols={cols}
      aria-label={t('matrix.gridLabel')}
      role="region"
    >
      <DataEditor
        ref={editorRef}
        width="100%"
        height="100%"
        columns={columns}
        rows={rows}
        getCellContent={getCellContent}
        drawCell={drawCell}
        drawHeader={drawHeader}
        freezeColumns={1}
        rowHeight={GRID.rowHeight}
        headerHeight={GRID.headerHeight}
        theme={theme}
        gridSelection={selection}
        onGridSelectionChange={handleSelection}
        rangeSelect="rect"
        columnSelect="none"
        rowSelect="none"
        onKeyDown={onKeyDown}
        keybindings={{
          copy: false,
          cut: false,
          paste: false,
          delete: false,
          search: false,
          downFill: false,
          rightFill: false,
          // Tab leaves the grid, so keyboard users are never trapped in it.
          goLeftCell: 'ArrowLeft',
          goRightCell: 'ArrowRight',
        }}
        editOnType={false}
        highlightRegions={highlightRegions}
        onHeaderClicked={(col) => {
          if (col > 0) onRoleHeader(col);
        }}
        onColumnProposeMove={(from, to) => from > 0 && to > 0}
        onColumnMoved={(from, to) => {
          if (from > 0 && to > 0 && from !== to) onMoveRole(from, to);
        }}
        smoothScrollX
        smoothScrollY
        verticalBorder={(col) => col > 0}
      />
    </div>
  );
});
