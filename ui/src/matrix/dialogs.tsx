/** The editor's dialogs: add a role, add a field, delete a role (saying who loses what). */
import { type SyntheticEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { Category, Field, FieldType, MaskRule, PersonLoss, Role, Sensitivity } from '../lib/backend';
import { BackendError, toBackendError } from '../lib/backend';
import { ErrorNotice } from '../shared/ErrorNotice';
import { Modal } from '../shared/Modal';
import { CATEGORIES, SENSITIVITIES } from './layout';
import type { MatrixModel } from './model';

/** The engine's id rule: 1-64 characters from A-Z a-z 0-9 _ -. */
export function isValidId(id: string): boolean {
  return /^[A-Za-z0-9_-]{1,64}$/.test(id);
}

/** A role id proposed from an English name: `Key Account Manager` -> `key_account_manager`. */
export function suggestId(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 64);
}

export const FIELD_TYPES: readonly FieldType[] = ['text', 'name', 'phone', 'email', 'id_card', 'bank_card', 'address', 'amount', 'number', 'date', 'enum'];

export const MASK_RULES: readonly MaskRule[] = [
  'full',
  'hash',
  'name',
  'name_full',
  'mobile',
  'mobile_last4',
  'id_card',
  'id_card_strict',
  'bank_card',
  'bank_card_last4',
  'email',
  'email_domain',
  'address',
  'address_province',
  'amount_range',
  'amount_full',
  'last4',
];

/** The default mask for a field type (DESIGN.md's table); anything else is fully masked. */
export function defaultMask(type: FieldType): MaskRule {
  const map: Partial<Record<FieldType, MaskRule>> = {
    name: 'name',
    phone: 'mobile',
    email: 'email',
    id_card: 'id_card',
    bank_card: 'bank_card',
    address: 'address',
    amount: 'amount_range',
  };
  return map[type] ?? 'full';
}

function Problem({ error }: { error: BackendError | string | null }) {
  const { t } = useTranslation();
  if (error === null) return null;
  if (typeof error === 'string') {
    return (
      <p className="form-problem" role="alert">
        {error}
      </p>
    );
  }
  return <ErrorNotice error={error} title={t('errors.actionTitle')} />;
}

export function AddRoleDialog({ model, onAdd, onClose }: { model: MatrixModel; onAdd: (role: Role) => Promise<void>; onClose: () => void }) {
  const { t } = useTranslation();
  const [nameZh, setNameZh] = useState('');
  const [nameEn, setNameEn] = useState('');
  const [id, setId] = useState('');
  const [idTouched, setIdTouched] = useState(false);
  const [rank, setRank] = useState('1');
  const [description, setDescription] = useState('');
  const [problem, setProblem] = useState<BackendError | string | null>(null);
  const [busy, setBusy] = useState(false);
  const effectiveId = idTouched ? id : suggestId(nameEn);

  const submit = (e: SyntheticEvent) => {
    e.preventDefault();
    const r = Number(rank);
    if (nameZh.trim() === '' || nameEn.trim() === '') { setProblem(t('roleDialog.needName')); return; }
    if (!isValidId(effectiveId)) { setProblem(t('roleDialog.badId')); return; }
    if (model.roleSlot.has(effectiveId)) { setProblem(t('roleDialog.taken')); return; }
    if (!Number.isInteger(r) || r < 0 || r > 100) { setProblem(t('roleDialog.badRank')); return; }
    setBusy(true);
    onAdd({ id: effectiveId, nameZh: nameZh.trim(), nameEn: nameEn.trim(), rank: r, inherits: [], description: description.trim() }).then(
      onClose,
      (reason: unknown) => {
        setBusy(false);
        setProblem(toBackendError(reason));
      },
    );
  };

  return (
    <Modal title={t('roleDialog.addTitle')} onClose={onClose} testId="add-role-dialog">
      <form className="form" onSubmit={submit}>
        <label>
          {t('roleDialog.nameZh')}
          <input value={nameZh} onChange={(e) => { setNameZh(e.target.value); }} data-testid="role-name-zh" lang="zh-CN" />
        </label>
        <label>
          {t('roleDialog.nameEn')}
          <input value={nameEn} onChange={(e) => { setNameEn(e.target.value); }} data-testid="role-name-en" lang="en" />
        </label>
        <label>
          {t('roleDialog.id')}
          <input
            value={effectiveId}
            onChange={(e) => {
              setIdTouched(true);
              setId(e.target.value);
            }}
            className="mono"
            data-testid="role-id"
            aria-describedby="role-id-hint"
          />
          <span id="role-id-hint" className="form-hint">
            {t('roleDialog.idHint')}
          </span>
        </label>
        <label>
          {t('roleDialog.rank')}
          <input type="number" min={0} max={100} value={rank} onChange={(e) => { setRank(e.target.value); }} data-testid="role-rank" />
        </label>
        <label>
          {t('roleDialog.description')}
          <input value={description} onChange={(e) => { setDescription(e.target.value); }} />
        </label>
        <p className="form-hint">{t('roleDialog.startsHidden')}</p>
        <Problem error={problem} />
        <div className="form-actions">
          <button type="button" className="button button-quiet" onClick={onClose} data-close>
            {t('roleDialog.cancel')}
          </button>
          <button type="submit" className="button" disabled={busy} data-testid="role-add-submit">
            {t('roleDialog.add')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** A field's type, sensitivity, mask rule and category. */
export interface FieldAttributeValues {
  type: FieldType;
  sensitivity: Sensitivity;
  /** `null`: the default of the type, following it when the type changes. */
  mask: MaskRule | null;
  category: Category;
}

/**
 * The four selects of a field's attributes, shared by the matrix's "add field" and the
 * catalog's field form. Until a mask rule is chosen, it follows the type's default.
 */
export function FieldAttributes({ value, onChange }: { value: FieldAttributeValues; onChange: (v: FieldAttributeValues) => void }) {
  const { t } = useTranslation();
  const set = (patch: Partial<FieldAttributeValues>) => { onChange({ ...value, ...patch }); };
  return (
    <>
      <div className="form-row">
        <label>
          {t('fieldDialog.type')}
          <select value={value.type} onChange={(e) => { set({ type: e.target.value as FieldType }); }}>
            {FIELD_TYPES.map((v) => (
              <option key={v} value={v}>
                {t(`fieldType.${v}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('fieldDialog.sensitivity')}
          <select value={value.sensitivity} onChange={(e) => { set({ sensitivity: e.target.value as Sensitivity }); }} data-testid="field-sensitivity">
            {SENSITIVITIES.map((v) => (
              <option key={v} value={v}>
                {t(`sensitivity.${v}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="form-row">
        <label>
          {t('fieldDialog.mask')}
          <select value={value.mask ?? defaultMask(value.type)} onChange={(e) => { set({ mask: e.target.value as MaskRule }); }}>
            {MASK_RULES.map((v) => (
              <option key={v} value={v}>
                {t(`mask.${v}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('fieldDialog.category')}
          <select value={value.category} onChange={(e) => { set({ category: e.target.value as Category }); }}>
            {CATEGORIES.map((v) => (
              <option key={v} value={v}>
                {t(`category.${v}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
    </>
  );
}

export function AddFieldDialog({ model, onAdd, onClose }: { model: MatrixModel; onAdd: (field: Field) => Promise<void>; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const zh = i18n.resolvedLanguage === 'zh';
  const [object, setObject] = useState(model.objects[0]?.id ?? '');
  const [key, setKey] = useState('');
  const [labelZh, setLabelZh] = useState('');
  const [labelEn, setLabelEn] = useState('');
  const [type, setType] = useState<FieldType>('text');
  const [sensitivity, setSensitivity] = useState<Sensitivity>('confidential');
  const [mask, setMask] = useState<MaskRule | null>(null);
  const [category, setCategory] = useState<Category>('basic');
  const [problem, setProblem] = useState<BackendError | string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = (e: SyntheticEvent) => {
    e.preventDefault();
    if (labelZh.trim() === '' || labelEn.trim() === '') { setProblem(t('fieldDialog.needLabel')); return; }
    if (!isValidId(key)) { setProblem(t('fieldDialog.badKey')); return; }
    const id = `${object}.${key}`;
    if (model.fieldIndex.has(id)) { setProblem(t('fieldDialog.taken')); return; }
    setBusy(true);
    onAdd({ id, object, labelZh: labelZh.trim(), labelEn: labelEn.trim(), type, sensitivity, mask: mask ?? defaultMask(type), category }).then(
      onClose,
      (reason: unknown) => {
        setBusy(false);
        setProblem(toBackendError(reason));
      },
    );
  };

  return (
    <Modal title={t('fieldDialog.addTitle')} onClose={onClose} testId="add-field-dialog">
      <form className="form" onSubmit={submit}>
        <label>
          {t('fieldDialog.object')}
          <select value={object} onChange={(e) => { setObject(e.target.value); }} data-testid="field-object">
            {model.objects.map((o) => (
              <option key={o.id} value={o.id}>
                {zh ? o.nameZh : o.nameEn}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('fieldDialog.key')}
          <input value={key} onChange={(e) => { setKey(e.target.value); }} className="mono" data-testid="field-key" aria-describedby="field-key-hint" />
          <span id="field-key-hint" className="form-hint">
            {t('fieldDialog.keyHint')}
          </span>
        </label>
        <label>
          {t('fieldDialog.labelZh')}
          <input value={labelZh} onChange={(e) => { setLabelZh(e.target.value); }} data-testid="field-label-zh" lang="zh-CN" />
        </label>
        <label>
          {t('fieldDialog.labelEn')}
          <input value={labelEn} onChange={(e) => { setLabelEn(e.target.value); }} data-testid="field-label-en" lang="en" />
        </label>
        <FieldAttributes
          value={{ type, sensitivity, mask, category }}
          onChange={(v) => { setType(v.type); setSensitivity(v.sensitivity); setMask(v.mask); setCategory(v.category); }}
        />
        <p className="form-hint">{t('fieldDialog.defaultDeny')}</p>
        <Problem error={problem} />
        <div className="form-actions">
          <button type="button" className="button button-quiet" onClick={onClose} data-close>
            {t('fieldDialog.cancel')}
          </button>
          <button type="submit" className="button" disabled={busy} data-testid="field-add-submit">
            {t('fieldDialog.add')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** How many people to list by name before summing up the rest. */
const LOSERS_SHOWN = 8;
const LOSSES_SHOWN = 4;

export function DeleteRoleDialog({
  model,
  roleId,
  impact,
  onDelete,
  onClose,
}: {
  model: MatrixModel;
  roleId: string;
  impact: (role: string) => Promise<PersonLoss[]>;
  onDelete: (role: string) => Promise<void>;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation();
  const zh = i18n.resolvedLanguage === 'zh';
  const [losses, setLosses] = useState<PersonLoss[] | null>(null);
  const [problem, setProblem] = useState<BackendError | null>(null);
  const [busy, setBusy] = useState(false);
  const slot = model.roleSlot.get(roleId);
  const role = slot === undefined ? undefined : model.roles[slot];
  const name = role === undefined ? roleId : zh ? role.nameZh : role.nameEn;

  useEffect(() => {
    let current = true;
    impact(roleId).then(
      (l) => {
        if (current) setLosses(l);
      },
      (reason: unknown) => {
        if (current) setProblem(toBackendError(reason));
      },
    );
    return () => {
      current = false;
    };
  }, [impact, roleId]);

  const fieldName = (id: string) => {
    const i = model.fieldIndex.get(id);
    const f = i === undefined ? undefined : model.fields[i];
    return f === undefined ? id : zh ? f.labelZh : f.labelEn;
  };

  return (
    <Modal title={t('deleteDialog.title', { role: name })} onClose={onClose} testId="delete-role-dialog">
      <div className="delete-impact" data-testid="delete-impact" aria-live="polite">
        {losses === null && problem === null && <p className="loading">{t('deleteDialog.loading')}</p>}
        {losses !== null && losses.length === 0 && <p>{t('deleteDialog.nobodyLoses')}</p>}
        {losses !== null && losses.length > 0 && (
          <>
            <p className="impact-lead">{t('deleteDialog.losers', { count: losses.length })}</p>
            <ul className="impact-list">
              {losses.slice(0, LOSERS_SHOWN).map((p) => (
                <li key={p.employee} data-testid="impact-person">
                  <strong>{p.name}</strong> <span className="mono impact-id">{p.employee}</span>
                  <ul>
                    {p.fields.slice(0, LOSSES_SHOWN).map(([field, before, after]) => (
                      <li key={field}>
                        {t('deleteDialog.loss', { field: fieldName(field), before: t(`levels.${before}`), after: t(`levels.${after}`) })}
                      </li>
                    ))}
                    {p.fields.length > LOSSES_SHOWN && <li>{t('deleteDialog.more', { count: p.fields.length - LOSSES_SHOWN })}</li>}
                  </ul>
                </li>
              ))}
            </ul>
            {losses.length > LOSERS_SHOWN && <p>{t('deleteDialog.more', { count: losses.length - LOSERS_SHOWN })}</p>}
          </>
        )}
        <p className="form-hint">{t('deleteDialog.cells')}</p>
        <p className="form-hint">{t('deleteDialog.permanent')}</p>
      </div>
      {problem !== null && <ErrorNotice error={problem} title={t('errors.actionTitle')} />}
      <div className="form-actions">
        <button type="button" className="button button-quiet" onClick={onClose} data-close data-testid="delete-cancel">
          {t('deleteDialog.cancel')}
        </button>
        <button
          type="button"
          className="button button-danger"
          disabled={busy || losses === null}
          data-testid="delete-confirm"
          onClick={() => {
            setBusy(true);
            onDelete(roleId).then(onClose, (reason: unknown) => {
              setBusy(false);
              setProblem(toBackendError(reason));
            });
          }}
        >
          {t('deleteDialog.confirm')}
        </button>
      </div>
    </Modal>
  );
}
