import { useEffect, useState, type ReactNode, type SyntheticEvent } from 'react';
import { useTranslation } from 'react-i18next';

import {
  type BackendError,
  type Category,
  type EditReport,
  type FieldType,
  type MaskRule,
  type OrgCatalog,
  type OrgEntity,
  type OrgKind,
  type PersonLoss,
  type Sensitivity,
  type Status,
  deleteOrgEntity,
  putOrgEntity,
  roleDeletionImpact,
  toBackendError,
} from '../lib/backend';
import { FieldAttributes, defaultMask } from '../matrix/dialogs';
import { ErrorNotice } from '../shared/ErrorNotice';
import { Modal } from '../shared/Modal';
import { FIELD_ID_PATTERN, ID_PATTERN, deptTree, flatten } from './model';

const STATUSES: readonly Status[] = ['active', 'suspended', 'left'];

function Problem({ error }: { error: BackendError | string | null }) {
  const { t } = useTranslation();
  if (error === null) return null;
  if (typeof error === 'string') {
    return (
      <p className="form-problem" role="alert" data-testid="form-problem">
        {error}
      </p>
    );
  }
  return <ErrorNotice error={error} title={t('errors.actionTitle')} />;
}

/** The frame of every add/edit form: title, fields, the problem if any, Cancel and Save. */
function EntityForm({
  title,
  testId,
  onClose,
  onSubmit,
  problem,
  busy,
  children,
}: {
  title: string;
  testId: string;
  onClose: () => void;
  onSubmit: () => void;
  problem: BackendError | string | null;
  busy: boolean;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Modal title={title} onClose={onClose} testId={testId}>
      <form
        className="form"
        noValidate
        onSubmit={(e: SyntheticEvent) => {
          e.preventDefault();
          onSubmit();
        }}
      >
        {children}
        <Problem error={problem} />
        <div className="form-actions">
          <button type="button" className="button button-quiet" onClick={onClose} data-close>
            {t('orgcat.cancel')}
          </button>
          <button type="submit" className="button" disabled={busy} data-testid="entity-save">
            {t('orgcat.save')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** Sends the entity; closes on success, shows the engine's reason otherwise. */
function useSave(create: boolean, onSaved: (r: EditReport) => void) {
  const [problem, setProblem] = useState<BackendError | string | null>(null);
  const [busy, setBusy] = useState(false);
  const save = (entity: OrgEntity) => {
    setBusy(true);
    setProblem(null);
    putOrgEntity(entity, create).then(onSaved, (reason: unknown) => {
      setBusy(false);
      setProblem(toBackendError(reason));
    });
  };
  return { problem, setProblem, busy, save };
}

function IdInput({ value, onChange, disabled, testId }: { value: string; onChange: (v: string) => void; disabled: boolean; testId: string }) {
  const { t } = useTranslation();
  return (
    <label>
      {t('orgcat.col.id')}
      <input value={value} onChange={(e) => { onChange(e.target.value); }} disabled={disabled} className="mono" data-testid={testId} aria-describedby={`${testId}-hint`} />
      {!disabled && (
        <span id={`${testId}-hint`} className="form-hint">
          {t('orgcat.idHint')}
        </span>
      )}
    </label>
  );
}

/** A set of roles to tick (an employee's roles, a role's parents). */
function RoleChecks({ legend, roles, checked, onChange, testId }: { legend: string; roles: OrgCatalog['roles']; checked: string[]; onChange: (ids: string[]) => void; testId: string }) {
  const { i18n } = useTranslation();
  const zh = i18n.resolvedLanguage === 'zh';
  return (
    <fieldset className="orgcat-checks" data-testid={testId}>
      <legend>{legend}</legend>
      {roles.map((r) => (
        <label key={r.id} className="toolbar-check">
          <input
            type="checkbox"
            checked={checked.includes(r.id)}
            onChange={(e) => { onChange(e.target.checked ? [...checked, r.id] : checked.filter((x) => x !== r.id)); }}
            value={r.id}
          />
          {zh ? r.nameZh : r.nameEn}
        </label>
      ))}
    </fieldset>
  );
}

function TextInput({ label, value, onChange, testId, lang }: { label: string; value: string; onChange: (v: string) => void; testId: string; lang?: string }) {
  return (
    <label>
      {label}
      <input value={value} onChange={(e) => { onChange(e.target.value); }} data-testid={testId} lang={lang} />
    </label>
  );
}

type Props<T> = { org: OrgCatalog; value: T | null; onClose: () => void; onSaved: (r: EditReport) => void };

export function DepartmentDialog({ org, value, onClose, onSaved, parent }: Props<OrgCatalog['departments'][number]> & { parent: string | null }) {
  const { t, i18n } = useTranslation();
  const zh = i18n.resolvedLanguage === 'zh';
  const create = value === null;
  const [id, setId] = useState(value?.id ?? '');
  const [nameZh, setNameZh] = useState(value?.nameZh ?? '');
  const [nameEn, setNameEn] = useState(value?.nameEn ?? '');
  const [par, setPar] = useState(value?.parent ?? parent ?? '');
  const { problem, setProblem, busy, save } = useSave(create, onSaved);
  const submit = () => {
    if (!ID_PATTERN.test(id)) { setProblem(t('orgcat.badId')); return; }
    if (nameZh.trim() === '' || nameEn.trim() === '') { setProblem(t('orgcat.needName')); return; }
    save({ kind: 'department', value: { id, nameZh: nameZh.trim(), nameEn: nameEn.trim(), parent: par === '' ? null : par } });
  };
  return (
    <EntityForm title={create ? t('orgcat.addDepartment') : t('orgcat.editDepartment', { id })} testId="department-dialog" onClose={onClose} onSubmit={submit} problem={problem} busy={busy}>
      <IdInput value={id} onChange={setId} disabled={!create} testId="department-id" />
      <TextInput label={t('orgcat.col.nameZh')} value={nameZh} onChange={setNameZh} testId="department-name-zh" lang="zh-CN" />
      <TextInput label={t('orgcat.col.nameEn')} value={nameEn} onChange={setNameEn} testId="department-name-en" lang="en" />
      <label>
        {t('orgcat.col.parent')}
        <select value={par} onChange={(e) => { setPar(e.target.value); }} data-testid="department-parent">
          <option value="">{t('orgcat.noParent')}</option>
          {flatten(deptTree(org.departments)).map(({ dept, depth }) => (
            <option key={dept.id} value={dept.id}>
              {'\u00a0\u00a0'.repeat(depth)}
              {zh ? dept.nameZh : dept.nameEn} ({dept.id})
            </option>
          ))}
        </select>
      </label>
    </EntityForm>
  );
}

export function EmployeeDialog({ org, value, onClose, onSaved, department }: Props<OrgCatalog['employees'][number]> & { department: string | null }) {
  const { t, i18n } = useTranslation();
  const zh = i18n.resolvedLanguage === 'zh';
  const create = value === null;
  const [id, setId] = useState(value?.id ?? '');
  const [name, setName] = useState(value?.name ?? '');
  const [title, setTitle] = useState(value?.title ?? '');
  const [dept, setDept] = useState(value?.department ?? department ?? org.departments[0]?.id ?? '');
  const [manager, setManager] = useState(value?.manager ?? '');
  const [roles, setRoles] = useState<string[]>(value?.roles ?? []);
  const [status, setStatus] = useState<Status>(value?.status ?? 'active');
  const { problem, setProblem, busy, save } = useSave(create, onSaved);
  const submit = () => {
    if (!ID_PATTERN.test(id)) { setProblem(t('orgcat.badId')); return; }
    if (name.trim() === '') { setProblem(t('orgcat.needName')); return; }
    const m = manager.trim();
    if (m !== '' && !ID_PATTERN.test(m)) { setProblem(`${t('orgcat.col.manager')}: ${t('orgcat.badId')}`); return; }
    save({ kind: 'employee', value: { id, name: name.trim(), title: title.trim(), department: dept, manager: m === '' ? null : m, roles, status } });
  };
  return (
    <EntityForm title={create ? t('orgcat.addEmployee') : t('orgcat.editEmployee', { id })} testId="employee-dialog" onClose={onClose} onSubmit={submit} problem={problem} busy={busy}>
      <div className="form-row">
        <IdInput value={id} onChange={setId} disabled={!create} testId="employee-id" />
        <TextInput label={t('orgcat.col.name')} value={name} onChange={setName} testId="employee-name" />
      </div>
      <div className="form-row">
        <TextInput label={t('orgcat.col.title')} value={title} onChange={setTitle} testId="employee-title" />
        <label>
          {t('orgcat.col.status')}
          <select value={status} onChange={(e) => { setStatus(e.target.value as Status); }} data-testid="employee-status">
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`orgcat.statusValue.${s}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <label>
        {t('orgcat.col.department')}
        <select value={dept} onChange={(e) => { setDept(e.target.value); }} data-testid="employee-department">
          {flatten(deptTree(org.departments)).map(({ dept: d, depth }) => (
            <option key={d.id} value={d.id}>
              {'\u00a0\u00a0'.repeat(depth)}
              {zh ? d.nameZh : d.nameEn} ({d.id})
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('orgcat.col.manager')}
        <input value={manager} onChange={(e) => { setManager(e.target.value); }} list="orgcat-managers" className="mono" data-testid="employee-manager" aria-describedby="employee-manager-hint" />
        <span id="employee-manager-hint" className="form-hint">
          {t('orgcat.managerHint')}
        </span>
        <datalist id="orgcat-managers">
          {org.employees
            .filter((e) => e.id !== id)
            .map((e) => (
              <option key={e.id} value={e.id}>
                {e.name} · {e.title}
              </option>
            ))}
        </datalist>
      </label>
      <RoleChecks legend={t('orgcat.col.roles')} roles={org.roles} checked={roles} onChange={setRoles} testId="employee-roles" />
    </EntityForm>
  );
}

export function RoleDialog({ org, value, onClose, onSaved }: Props<OrgCatalog['roles'][number]>) {
  const { t } = useTranslation();
  const create = value === null;
  const [id, setId] = useState(value?.id ?? '');
  const [nameZh, setNameZh] = useState(value?.nameZh ?? '');
  const [nameEn, setNameEn] = useState(value?.nameEn ?? '');
  const [rank, setRank] = useState(String(value?.rank ?? 1));
  const [inherits, setInherits] = useState<string[]>(value?.inherits ?? []);
  const [description, setDescription] = useState(value?.description ?? '');
  const { problem, setProblem, busy, save } = useSave(create, onSaved);
  const submit = () => {
    if (!ID_PATTERN.test(id)) { setProblem(t('orgcat.badId')); return; }
    if (nameZh.trim() === '' || nameEn.trim() === '') { setProblem(t('orgcat.needName')); return; }
    const r = Number(rank);
    if (!/^\d+$/.test(rank) || r > 100) { setProblem(t('orgcat.badRank')); return; }
    save({ kind: 'role', value: { id, nameZh: nameZh.trim(), nameEn: nameEn.trim(), rank: r, inherits, description: description.trim() } });
  };
  return (
    <EntityForm title={create ? t('orgcat.addRole') : t('orgcat.editRole', { id })} testId="role-dialog" onClose={onClose} onSubmit={submit} problem={problem} busy={busy}>
      <div className="form-row">
        <IdInput value={id} onChange={setId} disabled={!create} testId="role-id" />
        <label>
          {t('orgcat.col.rank')}
          <input value={rank} onChange={(e) => { setRank(e.target.value); }} inputMode="numeric" data-testid="role-rank" />
        </label>
      </div>
      <TextInput label={t('orgcat.col.nameZh')} value={nameZh} onChange={setNameZh} testId="role-name-zh" lang="zh-CN" />
      <TextInput label={t('orgcat.col.nameEn')} value={nameEn} onChange={setNameEn} testId="role-name-en" lang="en" />
      <TextInput label={t('orgcat.col.description')} value={description} onChange={setDescription} testId="role-description" />
      <RoleChecks legend={t('orgcat.col.inherits')} roles={org.roles.filter((r) => r.id !== id)} checked={inherits} onChange={setInherits} testId="role-inherits" />
    </EntityForm>
  );
}

export function ObjectDialog({ value, onClose, onSaved }: Props<OrgCatalog['objects'][number]>) {
  const { t } = useTranslation();
  const create = value === null;
  const [id, setId] = useState(value?.id ?? '');
  const [nameZh, setNameZh] = useState(value?.nameZh ?? '');
  const [nameEn, setNameEn] = useState(value?.nameEn ?? '');
  const { problem, setProblem, busy, save } = useSave(create, onSaved);
  const submit = () => {
    if (!ID_PATTERN.test(id)) { setProblem(t('orgcat.badId')); return; }
    if (nameZh.trim() === '' || nameEn.trim() === '') { setProblem(t('orgcat.needName')); return; }
    save({ kind: 'object', value: { id, nameZh: nameZh.trim(), nameEn: nameEn.trim() } });
  };
  return (
    <EntityForm title={create ? t('orgcat.addObject') : t('orgcat.editObject', { id })} testId="object-dialog" onClose={onClose} onSubmit={submit} problem={problem} busy={busy}>
      <IdInput value={id} onChange={setId} disabled={!create} testId="object-id" />
      <TextInput label={t('orgcat.col.nameZh')} value={nameZh} onChange={setNameZh} testId="object-name-zh" lang="zh-CN" />
      <TextInput label={t('orgcat.col.nameEn')} value={nameEn} onChange={setNameEn} testId="object-name-en" lang="en" />
    </EntityForm>
  );
}

export function TierDialog({ value, onClose, onSaved }: Props<OrgCatalog['tiers'][number]>) {
  const { t } = useTranslation();
  const create = value === null;
  const [id, setId] = useState(value?.id ?? '');
  const [nameZh, setNameZh] = useState(value?.nameZh ?? '');
  const [nameEn, setNameEn] = useState(value?.nameEn ?? '');
  const [rank, setRank] = useState(String(value?.rank ?? 1));
  const { problem, setProblem, busy, save } = useSave(create, onSaved);
  const submit = () => {
    if (!ID_PATTERN.test(id)) { setProblem(t('orgcat.badId')); return; }
    if (nameZh.trim() === '' || nameEn.trim() === '') { setProblem(t('orgcat.needName')); return; }
    if (!/^\d+$/.test(rank) || Number(rank) > 100) { setProblem(t('orgcat.badRank')); return; }
    save({ kind: 'tier', value: { id, rank: Number(rank), nameZh: nameZh.trim(), nameEn: nameEn.trim() } });
  };
  return (
    <EntityForm title={create ? t('orgcat.addTier') : t('orgcat.editTier', { id })} testId="tier-dialog" onClose={onClose} onSubmit={submit} problem={problem} busy={busy}>
      <div className="form-row">
        <IdInput value={id} onChange={setId} disabled={!create} testId="tier-id" />
        <label>
          {t('orgcat.col.rank')}
          <input value={rank} onChange={(e) => { setRank(e.target.value); }} inputMode="numeric" data-testid="tier-rank" />
        </label>
      </div>
      <TextInput label={t('orgcat.col.nameZh')} value={nameZh} onChange={setNameZh} testId="tier-name-zh" lang="zh-CN" />
      <TextInput label={t('orgcat.col.nameEn')} value={nameEn} onChange={setNameEn} testId="tier-name-en" lang="en" />
    </EntityForm>
  );
}

export function FieldDialog({ org, value, onClose, onSaved }: Props<OrgCatalog['fields'][number]>) {
  const { t, i18n } = useTranslation();
  const zh = i18n.resolvedLanguage === 'zh';
  const create = value === null;
  const [object, setObject] = useState(value?.object ?? org.objects[0]?.id ?? '');
  const [key, setKey] = useState(value === null ? '' : value.id.slice(value.object.length + 1));
  const [labelZh, setLabelZh] = useState(value?.labelZh ?? '');
  const [labelEn, setLabelEn] = useState(value?.labelEn ?? '');
  const [type, setType] = useState<FieldType>(value?.type ?? 'text');
  const [sensitivity, setSensitivity] = useState<Sensitivity>(value?.sensitivity ?? 'confidential');
  const [mask, setMask] = useState<MaskRule | null>(value?.mask ?? null);
  const [category, setCategory] = useState<Category>(value?.category ?? 'basic');
  const { problem, setProblem, busy, save } = useSave(create, onSaved);
  const submit = () => {
    const id = `${object}.${key}`;
    if (!FIELD_ID_PATTERN.test(id)) { setProblem(t('orgcat.badId')); return; }
    if (labelZh.trim() === '' || labelEn.trim() === '') { setProblem(t('orgcat.needName')); return; }
    save({ kind: 'field', value: { id, object, labelZh: labelZh.trim(), labelEn: labelEn.trim(), type, sensitivity, mask: mask ?? defaultMask(type), category } });
  };
  return (
    <EntityForm title={create ? t('orgcat.addField') : t('orgcat.editField', { id: value.id })} testId="field-dialog" onClose={onClose} onSubmit={submit} problem={problem} busy={busy}>
      <div className="form-row">
        <label>
          {t('orgcat.col.object')}
          <select value={object} onChange={(e) => { setObject(e.target.value); }} disabled={!create} data-testid="field-object">
            {org.objects.map((o) => (
              <option key={o.id} value={o.id}>
                {zh ? o.nameZh : o.nameEn}
              </option>
            ))}
          </select>
        </label>
        <IdInput value={key} onChange={setKey} disabled={!create} testId="field-key" />
      </div>
      <TextInput label={t('orgcat.col.labelZh')} value={labelZh} onChange={setLabelZh} testId="field-label-zh" lang="zh-CN" />
      <TextInput label={t('orgcat.col.labelEn')} value={labelEn} onChange={setLabelEn} testId="field-label-en" lang="en" />
      <FieldAttributes
        value={{ type, sensitivity, mask, category }}
        onChange={(v) => { setType(v.type); setSensitivity(v.sensitivity); setMask(v.mask); setCategory(v.category); }}
      />
      {create && <p className="form-hint">{t('orgcat.newFieldHidden')}</p>}
    </EntityForm>
  );
}

/** Asks before deleting; shows the engine's reason when it refuses (e.g. a department with people). */
export function DeleteDialog({ kind, id, label, onClose, onDeleted }: { kind: OrgKind; id: string; label: string; onClose: () => void; onDeleted: (r: EditReport) => void }) {
  const { t } = useTranslation();
  const [problem, setProblem] = useState<BackendError | null>(null);
  const [busy, setBusy] = useState(false);
  const [losses, setLosses] = useState<PersonLoss[] | null>(null);
  const what = `${label} (${id})`;
  useEffect(() => {
    if (kind !== 'role') return;
    let current = true;
    roleDeletionImpact(id).then(
      (l) => { if (current) setLosses(l); },
      () => { if (current) setLosses(null); },
    );
    return () => { current = false; };
  }, [kind, id]);
  const confirm = () => {
    setBusy(true);
    setProblem(null);
    deleteOrgEntity(kind, id).then(onDeleted, (reason: unknown) => {
      setBusy(false);
      setProblem(toBackendError(reason));
    });
  };
  return (
    <Modal title={t('orgcat.confirmDeleteTitle', { what })} onClose={onClose} testId="delete-dialog">
      <div className="form">
        <p>{t('orgcat.confirmDelete', { what })}</p>
        {kind === 'role' && <p className="form-hint">{t('orgcat.confirmDeleteRole')}</p>}
        {losses !== null && (
          <p data-testid="role-impact">
            {losses.length === 0
              ? t('orgcat.roleImpactNone')
              : t('orgcat.roleImpact', { count: losses.length, names: losses.slice(0, 6).map((l) => l.name).join('、') + (losses.length > 6 ? '…' : '') })}
          </p>
        )}
        <Problem error={problem} />
        <div className="form-actions">
          <button type="button" className="button button-quiet" onClick={onClose} data-close>
            {t('orgcat.cancel')}
          </button>
          <button type="button" className="button button-danger" disabled={busy} onClick={confirm} data-testid="delete-confirm">
            {t('orgcat.delete')}
          </button>
        </div>
      </div>
    </Modal>
  );
}
