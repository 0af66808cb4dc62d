import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { Department, EditReport, Employee, OrgCatalog } from '../lib/backend';
import { ErrorNotice } from '../shared/ErrorNotice';
import { CsvTools } from './CsvTools';
import { DeleteDialog, DepartmentDialog, EmployeeDialog } from './dialogs';
import { MAX_ROWS, deptTree, filterEmployees, flatten, headcounts } from './model';
import { useOutcome } from './outcome';
import { useOrgCatalog } from './useOrgCatalog';

type Dialog =
  | { kind: 'department'; value: Department | null }
  | { kind: 'employee'; value: Employee | null }
  | { kind: 'delete-department'; value: Department }
  | { kind: 'delete-employee'; value: Employee };

function Org({ org, reload }: { org: OrgCatalog; reload: () => void }) {
  const { t, i18n } = useTranslation();
  const zh = i18n.resolvedLanguage === 'zh';
  const [selected, setSelected] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const outcome = useOutcome();
  const forest = useMemo(() => deptTree(org.departments), [org.departments]);
  const tree = useMemo(() => flatten(forest), [forest]);
  const deptName = useMemo(() => new Map(org.departments.map((d) => [d.id, zh ? d.nameZh : d.nameEn])), [org.departments, zh]);
  const roleName = useMemo(() => new Map(org.roles.map((r) => [r.id, zh ? r.nameZh : r.nameEn])), [org.roles, zh]);
  const empName = useMemo(() => new Map(org.employees.map((e) => [e.id, e.name])), [org.employees]);
  const perDept = useMemo(() => headcounts(forest, org.employees), [forest, org.employees]);
  const shown = useMemo(() => filterEmployees(org.employees, org.departments, selected, query), [org, selected, query]);
  const selectedDept = org.departments.find((d) => d.id === selected) ?? null;
  const close = () => { setDialog(null); };
  const afterSave = (r: EditReport) => { setDialog(null); outcome.saved(r); reload(); };

  return (
    <div className="orgcat" data-testid="org-screen">
      <header className="orgcat-header">
        <div>
          <h1>{t('orgcat.orgTitle')}</h1>
          <p className="orgcat-lead">{t('orgcat.orgLead')}</p>
        </div>
        <CsvTools kinds={['employees', 'departments']} onImported={reload} />
      </header>
      {outcome.node}
      <div className="orgcat-body orgcat-split">
        <nav className="orgcat-tree" aria-labelledby="orgcat-depts">
          <div className="orgcat-section-head">
            <h2 id="orgcat-depts">{t('orgcat.departments')}</h2>
            <button type="button" className="button button-quiet" onClick={() => { setDialog({ kind: 'department', value: null }); }} data-testid="department-add">
              {t('orgcat.add')}
            </button>
          </div>
          <ul data-testid="department-tree">
            <li>
              <button type="button" className="orgcat-tree-item" aria-current={selected === null ? 'true' : undefined} onClick={() => { setSelected(null); }}>
                {t('orgcat.allDepartments')} <span className="orgcat-count">{org.employees.length}</span>
              </button>
            </li>
            {tree.map(({ dept, depth }) => (
              <li key={dept.id} style={{ paddingInlineStart: `${depth * 14}px` }}>
                <button
                  type="button"
                  className="orgcat-tree-item"
                  aria-current={selected === dept.id ? 'true' : undefined}
                  onClick={() => { setSelected(dept.id); }}
                  data-testid={`dept-${dept.id}`}
                >
                  {zh ? dept.nameZh : dept.nameEn} <span className="orgcat-count">{perDept.get(dept.id) ?? 0}</span>
                </button>
              </li>
            ))}
          </ul>
          {selectedDept !== null && (
            <div className="orgcat-tree-actions">
              <button type="button" className="button button-quiet" aria-label={t('orgcat.editSelected')} onClick={() => { setDialog({ kind: 'department', value: selectedDept }); }} data-testid="department-edit">
                {t('orgcat.edit')}
              </button>
              <button type="button" className="button button-danger-quiet" aria-label={t('orgcat.deleteSelected')} onClick={() => { setDialog({ kind: 'delete-department', value: selectedDept }); }} data-testid="department-delete">
                {t('orgcat.delete')}
              </button>
            </div>
          )}
        </nav>
        <section className="orgcat-main" aria-labelledby="orgcat-emps">
          <div className="orgcat-section-head">
            <h2 id="orgcat-emps">
              {t('orgcat.employees')}
              {selectedDept !== null && ` · ${zh ? selectedDept.nameZh : selectedDept.nameEn}`}
            </h2>
            <input type="search" className="orgcat-search" placeholder={t('orgcat.search')} aria-label={t('orgcat.search')} value={query} onChange={(e) => { setQuery(e.target.value); }} data-testid="employee-search" />
            <button type="button" className="button" onClick={() => { setDialog({ kind: 'employee', value: null }); }} data-testid="employee-add">
              {t('orgcat.addEmployee')}
            </button>
          </div>
          <p className="form-hint" data-testid="employee-count">
            {t('orgcat.employeesCount', { shown: shown.length, total: org.employees.length })}
            {shown.length > MAX_ROWS && ` ${t('orgcat.tooMany', { max: MAX_ROWS })}`}
          </p>
          <div className="orgcat-table-scroll">
            <table className="orgcat-table" data-testid="employee-table">
              <thead>
                <tr>
                  <th scope="col">{t('orgcat.col.id')}</th>
                  <th scope="col">{t('orgcat.col.name')}</th>
                  <th scope="col">{t('orgcat.col.title')}</th>
                  <th scope="col">{t('orgcat.col.department')}</th>
                  <th scope="col">{t('orgcat.col.manager')}</th>
                  <th scope="col">{t('orgcat.col.roles')}</th>
                  <th scope="col">{t('orgcat.col.status')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('orgcat.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {shown.slice(0, MAX_ROWS).map((e) => (
                  <tr key={e.id} data-testid={`employee-${e.id}`}>
                    <td className="mono">{e.id}</td>
                    <td>{e.name}</td>
                    <td>{e.title}</td>
                    <td>{deptName.get(e.department) ?? e.department}</td>
                    <td>{e.manager === null ? t('orgcat.none') : (empName.get(e.manager) ?? e.manager)}</td>
                    <td>{e.roles.map((r) => roleName.get(r) ?? r).join('、')}</td>
                    <td>
                      <span className={`orgcat-status orgcat-status-${e.status}`}>{t(`orgcat.statusValue.${e.status}`)}</span>
                    </td>
                    <td className="orgcat-row-actions">
                      <button type="button" className="button button-quiet" onClick={() => { setDialog({ kind: 'employee', value: e }); }} aria-label={`${t('orgcat.edit')} ${e.name} (${e.id})`} data-testid={`employee-edit-${e.id}`}>
                        {t('orgcat.edit')}
                      </button>
                      <button type="button" className="button button-danger-quiet" onClick={() => { setDialog({ kind: 'delete-employee', value: e }); }} aria-label={`${t('orgcat.delete')} ${e.name} (${e.id})`} data-testid={`employee-delete-${e.id}`}>
                        {t('orgcat.delete')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      </div>
      {dialog?.kind === 'department' && <DepartmentDialog org={org} value={dialog.value} parent={selected} onClose={close} onSaved={afterSave} />}
      {dialog?.kind === 'employee' && <EmployeeDialog org={org} value={dialog.value} department={selected} onClose={close} onSaved={afterSave} />}
      {dialog?.kind === 'delete-department' && (
        <DeleteDialog
          kind="department"
          id={dialog.value.id}
          label={zh ? dialog.value.nameZh : dialog.value.nameEn}
          onClose={close}
          onDeleted={() => { setDialog(null); setSelected(null); outcome.deleted(dialog.value.id); reload(); }}
        />
      )}
      {dialog?.kind === 'delete-employee' && (
        <DeleteDialog kind="employee" id={dialog.value.id} label={dialog.value.name} onClose={close} onDeleted={() => { setDialog(null); outcome.deleted(dialog.value.id); reload(); }} />
      )}
    </div>
  );
}

/** The organisation screen: the department tree beside the employees of the selected department. */
export function OrgScreen() {
  const { t } = useTranslation();
  const { state, reload } = useOrgCatalog();
  if (state.status === 'loading') return <p className="loading">{t('orgcat.loading')}</p>;
  if (state.status === 'failed') return <ErrorNotice error={state.error} title={t('orgcat.loadFailed')} onRetry={reload} />;
  return <Org org={state.org} reload={reload} />;
}
