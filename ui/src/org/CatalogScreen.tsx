import { useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

import type { EditReport, Field, ObjectDef, OrgCatalog, OrgKind, Role, Tier } from '../lib/backend';
import { ErrorNotice } from '../shared/ErrorNotice';
import { CsvTools } from './CsvTools';
import { DeleteDialog, FieldDialog, ObjectDialog, RoleDialog, TierDialog } from './dialogs';
import { useOutcome } from './outcome';
import { useOrgCatalog } from './useOrgCatalog';

const TABS = ['roles', 'objects', 'fields', 'tiers'] as const;
type Tab = (typeof TABS)[number];

type Dialog =
  | { kind: 'role'; value: Role | null }
  | { kind: 'object'; value: ObjectDef | null }
  | { kind: 'tier'; value: Tier | null }
  | { kind: 'field'; value: Field | null }
  | { kind: 'delete'; what: OrgKind; id: string; label: string };

/** A plain table with a header row and Edit / Delete on every row. */
function Table<T extends { id: string }>({
  rows,
  columns,
  testId,
  onEdit,
  onDelete,
  label,
}: {
  rows: readonly T[];
  columns: { head: string; cell: (row: T) => ReactNode; mono?: boolean }[];
  testId: string;
  onEdit: (row: T) => void;
  onDelete: (row: T) => void;
  label: (row: T) => string;
}) {
  const { t } = useTranslation();
  return (
    <div className="orgcat-table-scroll">
      <table className="orgcat-table" data-testid={testId}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.head} scope="col">
                {c.head}
              </th>
            ))}
            <th scope="col">
              <span className="visually-hidden">{t('orgcat.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} data-testid={`${testId}-${r.id}`}>
              {columns.map((c) => (
                <td key={c.head} className={c.mono === true ? 'mono' : undefined}>
                  {c.cell(r)}
                </td>
              ))}
              <td className="orgcat-row-actions">
                <button type="button" className="button button-quiet" onClick={() => { onEdit(r); }} aria-label={`${t('orgcat.edit')} ${label(r)}`}>
                  {t('orgcat.edit')}
                </button>
                <button type="button" className="button button-danger-quiet" onClick={() => { onDelete(r); }} aria-label={`${t('orgcat.delete')} ${label(r)}`}>
                  {t('orgcat.delete')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Catalog({ org, reload }: { org: OrgCatalog; reload: () => void }) {
  const { t, i18n } = useTranslation();
  const zh = i18n.resolvedLanguage === 'zh';
  const [tab, setTab] = useState<Tab>('roles');
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [object, setObject] = useState('');
  const [query, setQuery] = useState('');
  const outcome = useOutcome();
  const tabRefs = useRef<(HTMLButtonElement | null)[]>([]);
  const name = (x: { nameZh: string; nameEn: string }) => (zh ? x.nameZh : x.nameEn);
  const roleName = useMemo(() => new Map(org.roles.map((r) => [r.id, zh ? r.nameZh : r.nameEn])), [org.roles, zh]);
  const objectName = useMemo(() => new Map(org.objects.map((o) => [o.id, zh ? o.nameZh : o.nameEn])), [org.objects, zh]);
  const fieldCount = useMemo(() => {
    const m = new Map<string, number>();
    for (const f of org.fields) m.set(f.object, (m.get(f.object) ?? 0) + 1);
    return m;
  }, [org.fields]);
  const fields = useMemo(() => {
    const q = query.trim().toLowerCase();
    return org.fields.filter(
      (f) => (object === '' || f.object === object) && (q === '' || f.id.toLowerCase().includes(q) || f.labelZh.includes(q) || f.labelEn.toLowerCase().includes(q)),
    );
  }, [org.fields, object, query]);
  const close = () => { setDialog(null); };
  const afterSave = (r: EditReport) => { setDialog(null); outcome.saved(r); reload(); };
  const del = (what: OrgKind, id: string, label: string) => { setDialog({ kind: 'delete', what, id, label }); };

  // Tabs: arrows move between them (WAI-ARIA tabs pattern), Tab goes into the panel.
  const onTabKey = (e: KeyboardEvent, i: number) => {
    const next = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? TABS.length - 1 : null;
    if (next === null) return;
    e.preventDefault();
    const j = (next + TABS.length) % TABS.length;
    setTab(TABS[j] ?? 'roles');
    tabRefs.current[j]?.focus();
  };

  const addLabel: Record<Tab, string> = { roles: t('orgcat.addRole'), objects: t('orgcat.addObject'), fields: t('orgcat.addField'), tiers: t('orgcat.addTier') };
  const add = () => {
    if (tab === 'roles') setDialog({ kind: 'role', value: null });
    if (tab === 'objects') setDialog({ kind: 'object', value: null });
    if (tab === 'fields') setDialog({ kind: 'field', value: null });
    if (tab === 'tiers') setDialog({ kind: 'tier', value: null });
  };

  return (
    <div className="orgcat" data-testid="catalog-screen">
      <header className="orgcat-header">
        <div>
          <h1>{t('orgcat.catalogTitle')}</h1>
          <p className="orgcat-lead">{t('orgcat.catalogLead')}</p>
        </div>
        {/* The file offered first follows the tab. */}
        <CsvTools key={tab} kinds={[tab, ...(['roles', 'objects', 'fields', 'tiers', 'customers'] as const).filter((k) => k !== tab)]} onImported={reload} />
      </header>
      {outcome.node}
      <div className="orgcat-tabs" role="tablist" aria-label={t('orgcat.tabsLabel')}>
        {TABS.map((k, i) => (
          <button
            key={k}
            ref={(el) => { tabRefs.current[i] = el; }}
            type="button"
            role="tab"
            id={`catalog-tab-${k}`}
            aria-selected={tab === k}
            aria-controls={`catalog-panel-${k}`}
            tabIndex={tab === k ? 0 : -1}
            onClick={() => { setTab(k); }}
            onKeyDown={(e) => { onTabKey(e, i); }}
            data-testid={`catalog-tab-${k}`}
          >
            {t(`orgcat.tabs.${k}`)}
            <span className="orgcat-count">{k === 'roles' ? org.roles.length : k === 'objects' ? org.objects.length : k === 'fields' ? org.fields.length : org.tiers.length}</span>
          </button>
        ))}
      </div>
      <section className="orgcat-body orgcat-main" role="tabpanel" id={`catalog-panel-${tab}`} aria-labelledby={`catalog-tab-${tab}`}>
        <div className="orgcat-section-head">
          {tab === 'fields' && (
            <>
              <label className="toolbar-field">
                {t('orgcat.objectFilter')}
                <select value={object} onChange={(e) => { setObject(e.target.value); }} data-testid="field-filter-object">
                  <option value="">{t('orgcat.allObjects')}</option>
                  {org.objects.map((o) => (
                    <option key={o.id} value={o.id}>
                      {name(o)}
                    </option>
                  ))}
                </select>
              </label>
              <input type="search" className="orgcat-search" placeholder={t('orgcat.searchFields')} aria-label={t('orgcat.searchFields')} value={query} onChange={(e) => { setQuery(e.target.value); }} />
            </>
          )}
          <span className="orgcat-spacer" />
          <button type="button" className="button" onClick={add} data-testid="catalog-add">
            {addLabel[tab]}
          </button>
        </div>
        {tab === 'roles' && (
          <Table
            rows={org.roles}
            testId="role-table"
            label={(r) => `${name(r)} (${r.id})`}
            onEdit={(r) => { setDialog({ kind: 'role', value: r }); }}
            onDelete={(r) => { del('role', r.id, name(r)); }}
            columns={[
              { head: t('orgcat.col.id'), cell: (r) => r.id, mono: true },
              { head: t('orgcat.col.displayName'), cell: (r) => name(r) },
              { head: t('orgcat.col.rank'), cell: (r) => r.rank },
              { head: t('orgcat.col.inherits'), cell: (r) => (r.inherits.length === 0 ? t('orgcat.none') : r.inherits.map((i) => roleName.get(i) ?? i).join('、')) },
              { head: t('orgcat.col.description'), cell: (r) => r.description },
            ]}
          />
        )}
        {tab === 'objects' && (
          <Table
            rows={org.objects}
            testId="object-table"
            label={(o) => `${name(o)} (${o.id})`}
            onEdit={(o) => { setDialog({ kind: 'object', value: o }); }}
            onDelete={(o) => { del('object', o.id, name(o)); }}
            columns={[
              { head: t('orgcat.col.id'), cell: (o) => o.id, mono: true },
              { head: t('orgcat.col.nameZh'), cell: (o) => o.nameZh },
              { head: t('orgcat.col.nameEn'), cell: (o) => o.nameEn },
              { head: t('orgcat.col.fields'), cell: (o) => fieldCount.get(o.id) ?? 0 },
            ]}
          />
        )}
        {tab === 'fields' && (
          <Table
            rows={fields}
            testId="field-table"
            label={(f) => `${zh ? f.labelZh : f.labelEn} (${f.id})`}
            onEdit={(f) => { setDialog({ kind: 'field', value: f }); }}
            onDelete={(f) => { del('field', f.id, zh ? f.labelZh : f.labelEn); }}
            columns={[
              { head: t('orgcat.col.id'), cell: (f) => f.id, mono: true },
              { head: t('orgcat.col.object'), cell: (f) => objectName.get(f.object) ?? f.object },
              { head: t('orgcat.col.label'), cell: (f) => (zh ? f.labelZh : f.labelEn) },
              { head: t('orgcat.col.type'), cell: (f) => t(`fieldType.${f.type}`) },
              { head: t('orgcat.col.sensitivity'), cell: (f) => <span className={`orgcat-sens orgcat-sens-${f.sensitivity}`}>{t(`sensitivity.${f.sensitivity}`)}</span> },
              { head: t('orgcat.col.mask'), cell: (f) => t(`mask.${f.mask}`) },
              { head: t('orgcat.col.category'), cell: (f) => t(`category.${f.category}`) },
            ]}
          />
        )}
        {tab === 'tiers' && (
          <Table
            rows={[...org.tiers].sort((a, b) => a.rank - b.rank)}
            testId="tier-table"
            label={(x) => `${name(x)} (${x.id})`}
            onEdit={(x) => { setDialog({ kind: 'tier', value: x }); }}
            onDelete={(x) => { del('tier', x.id, name(x)); }}
            columns={[
              { head: t('orgcat.col.id'), cell: (x) => x.id, mono: true },
              { head: t('orgcat.col.rank'), cell: (x) => x.rank },
              { head: t('orgcat.col.nameZh'), cell: (x) => x.nameZh },
              { head: t('orgcat.col.nameEn'), cell: (x) => x.nameEn },
            ]}
          />
        )}
      </section>
      {dialog?.kind === 'role' && <RoleDialog org={org} value={dialog.value} onClose={close} onSaved={afterSave} />}
      {dialog?.kind === 'object' && <ObjectDialog org={org} value={dialog.value} onClose={close} onSaved={afterSave} />}
      {dialog?.kind === 'tier' && <TierDialog org={org} value={dialog.value} onClose={close} onSaved={afterSave} />}
      {dialog?.kind === 'field' && <FieldDialog org={org} value={dialog.value} onClose={close} onSaved={afterSave} />}
      {dialog?.kind === 'delete' && (
        <DeleteDialog kind={dialog.what} id={dialog.id} label={dialog.label} onClose={close} onDeleted={() => { setDialog(null); outcome.deleted(dialog.id); reload(); }} />
      )}
    </div>
  );
}

/** The catalog screen: roles, objects, fields and tiers, each a tab with add, edit, delete and CSV. */
export function CatalogScreen() {
  const { t } = useTranslation();
  const { state, reload } = useOrgCatalog();
  if (state.status === 'loading') return <p className="loading">{t('orgcat.loading')}</p>;
  if (state.status === 'failed') return <ErrorNotice error={state.error} title={t('orgcat.loadFailed')} onRetry={reload} />;
  return <Catalog org={state.org} reload={reload} />;
}
