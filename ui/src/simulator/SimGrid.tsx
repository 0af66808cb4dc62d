/**
 * The simulated customer table: Glide Data Grid (canvas, virtualised), so a view of 10,000+
 * customers scrolls smoothly. Rows arrive in pages from the engine as they scroll into view.
 * Masked values are drawn on an amber ground; a value hidden on one row only shows as a dash.
 */
import { CompactSelection, DataEditor, type DataEditorRef, type GridCell, GridCellKind, type GridColumn, type Item, type Theme } from '@glideapps/glide-data-grid';
import '@glideapps/glide-data-grid/dist/index.css';
import { useCallback, useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';

import type { Directory, ViewColumn, ViewRow } from '../lib/backend';
import { useDocumentTheme } from '../shared/theme';
import { useLanguage } from './useSim';

/** Fixed geometry (the flows click cells by position). */
const emptySel = CompactSelection.empty();

export const SIM_GRID = { rowHeight: 32, headerHeight: 36, fixedWidths: [110, 96, 96], fieldWidth: 150 } as const;

export interface SimGridProps {
  dir: Directory;
  columns: ViewColumn[];
  visible: number;
  /** The row, or undefined while its page loads (the grid asks for it). */
  row: (r: number) => ViewRow | undefined;
  /** Bumped when a page arrives: the grid redraws. */
  version: number;
  selected: { col: number; row: number } | null;
  onCell: (row: number, field: string | null) => void;
}

export function SimGrid({ dir, columns, visible, row, version, selected, onCell }: SimGridProps) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const dark = useDocumentTheme() === 'dark';
  const editorRef = useRef<DataEditorRef>(null);
  // Keep the selected cell in sight when the explanation panel narrows the grid.
  const selCol = selected?.col;
  const selRow = selected?.row;
  useEffect(() => {
    if (selCol === undefined || selRow === undefined) return;
    // After the grid has measured its new width (a resize observer, a frame or two later).
    const id = setTimeout(() => {
      editorRef.current?.scrollTo(selCol, selRow);
    }, 120);
    return () => {
      clearTimeout(id);
    };
  }, [selCol, selRow]);

  const gridColumns: GridColumn[] = useMemo(
    () => [
      { id: 'customer', title: t('sim.col.customer'), width: SIM_GRID.fixedWidths[0] },
      { id: 'tier', title: t('sim.col.tier'), width: SIM_GRID.fixedWidths[1] },
      { id: 'owner', title: t('sim.col.owner'), width: SIM_GRID.fixedWidths[2] },
      ...columns.map((c) => ({
        id: c.field,
        title: `${lang === 'zh' ? c.labelZh : c.labelEn}${c.sensitivity === 'restricted' ? ' ●' : ''}`,
        width: SIM_GRID.fieldWidth,
      })),
    ],
    [columns, lang, t],
  );

  const names = useMemo(() => {
    const emp = new Map(dir.employees.map((e) => [e.id, e.name]));
    const tier = new Map(dir.tiers.map((x) => [x.id, lang === 'zh' ? x.nameZh : x.nameEn]));
    return { emp, tier };
  }, [dir, lang]);

  const masked: Partial<Theme> = useMemo(() => (dark ? { bgCell: '#3a2a10', textDark: '#ffcf70' } : { bgCell: '#fff4e0', textDark: '#6e4600' }), [dark]);
  const hidden: Partial<Theme> = useMemo(() => (dark ? { textDark: '#7d8a9b' } : { textDark: '#8a94a3' }), [dark]);

  const getCellContent = useCallback(
    ([col, r]: Item): GridCell => {
      const data = row(r);
      if (data === undefined) return { kind: GridCellKind.Loading, allowOverlay: false };
      const text = (s: string, themeOverride?: Partial<Theme>): GridCell => ({
        kind: GridCellKind.Text,
        data: s,
        displayData: s,
        allowOverlay: false,
        readonly: true,
        ...(themeOverride === undefined ? {} : { themeOverride }),
      });
      if (col === 0) return text(data.id);
      if (col === 1) return text(names.tier.get(data.tier) ?? data.tier);
      if (col === 2) return text(names.emp.get(data.owner) ?? data.owner);
      const cell = data.cells[col - 3];
      if (cell === undefined || cell.value === null) return text('—', hidden);
      return text(cell.value, cell.level === 'masked' ? masked : undefined);
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `version`: a page arrived
    [row, names, masked, hidden, t, version],
  );

  const theme: Partial<Theme> = useMemo(
    () =>
      dark
        ? { accentColor: '#7fb2f0', accentLight: 'rgba(127, 178, 240, 0.2)', bgCell: '#1a212b', bgCellMedium: '#222b37', bgHeader: '#222b37', bgHeaderHovered: '#2b3644', bgHeaderHasFocus: '#2b3644', textDark: '#e6ebf2', textMedium: '#9aa8ba', textLight: '#7d8a9b', textHeader: '#e6ebf2', borderColor: '#344152', horizontalBorderColor: '#2c3745' }
        : { accentColor: '#1f5fae', accentLight: 'rgba(31, 95, 174, 0.16)', bgHeader: '#f4f6f9', textHeader: '#18212d' },
    [dark],
  );

  return (
    <div className="sim-grid" data-testid="sim-grid" data-columns={columns.map((c) => c.field).join(' ')} data-rows={visible}>
      <DataEditor
        ref={editorRef}
        columns={gridColumns}
        rows={visible}
        getCellContent={getCellContent}
        getCellsForSelection
        rowHeight={SIM_GRID.rowHeight}
        headerHeight={SIM_GRID.headerHeight}
        freezeColumns={1}
        smoothScrollX
        smoothScrollY
        width="100%"
        height="100%"
        theme={theme}
        gridSelection={
          selected === null
            ? { columns: emptySel, rows: emptySel }
            : { current: { cell: [selected.col, selected.row], range: { x: selected.col, y: selected.row, width: 1, height: 1 }, rangeStack: [] }, columns: emptySel, rows: emptySel }
        }
        onCellClicked={([col, r]) => {
          onCell(r, col >= 3 ? (columns[col - 3]?.field ?? null) : null);
        }}
      />
    </div>
  );
}
