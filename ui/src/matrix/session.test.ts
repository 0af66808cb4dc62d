import { describe, expect, it } from 'vitest';

import { BackendError, type CellEdit, type EditReport } from '../lib/backend';
import { smallView } from './testFixture';
import { UNDECIDED } from './levels';
import { MatrixModel } from './model';
import { EditSession, type EditorBackend } from './session';

/** A backend that records calls and answers each after `release()`, to check ordering. */
function fakeBackend(options: { failOn?: number } = {}) {
  const calls: { cmd: string; args: unknown[] }[] = [];
  let revision = 7;
  const answer = (cmd: string, ...args: unknown[]): Promise<EditReport> => {
    calls.push({ cmd, args });
    if (options.failOn === calls.length) return Promise.reject(new BackendError('io', 'disk full'));
    revision++;
    return Promise.resolve({ revision, changed: 1 });
  };
  const backend: EditorBackend = {
    editCells: (edits) => answer('edit_cells', edits),
    setScope: (...a) => answer('set_scope', ...a),
    setAction: (...a) => answer('set_action', ...a),
    putRole: (...a) => answer('put_role', ...a),
    reorderRoles: async (order) => {
      await answer('reorder_roles', order);
    },
  };
  return { backend, calls };
}

const wechat = (role: string, after: number) => ({ role, field: 'customer.wechat', before: UNDECIDED, after });

describe('EditSession', () => {
  it('applies an action at once, saves it with one call, and reports the revision', async () => {
    const { backend, calls } = fakeBackend();
    const s = new EditSession(MatrixModel.fromView(smallView()), backend);
    expect(s.perform({ kind: 'cells', changes: [wechat('rep', 2), wechat('mgr', 3)] })).toBe(true);
    expect(s.model.getById('rep', 'customer.wechat'), 'applied before the backend answers').toBe(2);
    expect(s.getSnapshot().status).toBe('saving');
    await s.settled();
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0] as CellEdit[]).toEqual([
      { role: 'rep', field: 'customer.wechat', cell: { level: 'read', approval: null } },
      { role: 'mgr', field: 'customer.wechat', cell: { level: 'edit', approval: null } },
    ]);
    expect(s.getSnapshot()).toMatchObject({ status: 'saved', revision: 8, canUndo: true, canRedo: false });
    expect(s.getSnapshot().lastCells?.count).toBe(2);
  });

  it('drops cells that would not change, and an action that changes nothing', () => {
    const { backend, calls } = fakeBackend();
    const s = new EditSession(MatrixModel.fromView(smallView()), backend);
    expect(s.perform({ kind: 'cells', changes: [{ role: 'rep', field: 'deal.amount', before: 2, after: 2 }] })).toBe(false);
    expect(calls).toHaveLength(0);
    expect(s.getSnapshot().canUndo).toBe(false);
  });

  it('undoes by sending the old values as a new edit (undecided again is `null`), and redoes', async () => {
    const { backend, calls } = fakeBackend();
    const s = new EditSession(MatrixModel.fromView(smallView()), backend);
    s.perform({ kind: 'cells', changes: [wechat('rep', 2)] });
    expect(s.undo()).toBe(true);
    expect(s.model.getById('rep', 'customer.wechat')).toBe(UNDECIDED);
    expect(s.model.undecided[4]).toBe(3);
    expect(s.redo()).toBe(true);
    expect(s.model.getById('rep', 'customer.wechat')).toBe(2);
    await s.settled();
    expect(calls.map((c) => (c.args[0] as CellEdit[])[0]?.cell)).toEqual([{ level: 'read', approval: null }, null, { level: 'read', approval: null }]);
    expect(s.getSnapshot().revision).toBe(10);
    expect(s.undo()).toBe(true);
    expect(s.undo(), 'nothing more to undo').toBe(false);
  });

  it('sends writes in the order they were made', async () => {
    const order: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const backend: EditorBackend = {
      ...fakeBackend().backend,
      editCells: async (edits) => {
        const first = order.length === 0;
        order.push(`start ${edits[0]?.cell?.level ?? 'null'}`);
        if (first) await gate;
        order.push(`end ${edits[0]?.cell?.level ?? 'null'}`);
        return { revision: null, changed: 1 };
      },
    };
    const s = new EditSession(MatrixModel.fromView(smallView()), backend);
    s.perform({ kind: 'cells', changes: [wechat('rep', 3)] });
    s.undo();
    await Promise.resolve();
    release();
    await s.settled();
    expect(order).toEqual(['start edit', 'end edit', 'start null', 'end null']);
  });

  it('undoes scope, action, rename and reorder edits too', async () => {
    const { backend, calls } = fakeBackend();
    const s = new EditSession(MatrixModel.fromView(smallView()), backend);
    s.perform({ kind: 'scope', role: 'rep', object: 'customer', before: { scope: 'own', maxTier: 'key' }, after: { scope: 'all', maxTier: null } });
    s.perform({ kind: 'action', role: 'fin', object: 'deal', action: 'export', before: 'deny', after: 'allow' });
    const rep = { id: 'rep', nameZh: '销售代表', nameEn: 'Sales rep', rank: 1, inherits: [], description: '' };
    s.perform({ kind: 'role', before: rep, after: { ...rep, nameEn: 'Rep' } });
    s.perform({ kind: 'order', before: ['rep', 'mgr', 'fin'], after: ['fin', 'rep', 'mgr'] });
    expect(s.model.policy('rep', 'customer').scope).toBe('all');
    expect(s.model.policy('fin', 'deal').actions[4]).toBe('allow');
    expect(s.model.roles[0]?.nameEn).toBe('Rep');
    expect(s.model.orderedRoleIds()).toEqual(['fin', 'rep', 'mgr']);
    while (s.undo());
    expect(s.model.policy('rep', 'customer')).toMatchObject({ scope: 'own', maxTier: 'key' });
    expect(s.model.policy('fin', 'deal').actions[4]).toBe('deny');
    expect(s.model.roles[0]?.nameEn).toBe('Sales rep');
    expect(s.model.orderedRoleIds()).toEqual(['rep', 'mgr', 'fin']);
    await s.settled();
    expect(calls.map((c) => c.cmd)).toEqual(['set_scope', 'set_action', 'put_role', 'reorder_roles', 'reorder_roles', 'put_role', 'set_action', 'set_scope']);
    expect(calls[7]?.args).toEqual(['rep', 'customer', 'own', 'key']);
  });

  it('on a failed write, reports it, forgets the history and asks to reload', async () => {
    const { backend } = fakeBackend({ failOn: 2 });
    const failures: BackendError[] = [];
    const s = new EditSession(MatrixModel.fromView(smallView()), backend, (e) => failures.push(e));
    s.perform({ kind: 'cells', changes: [wechat('rep', 1)] });
    s.perform({ kind: 'cells', changes: [wechat('mgr', 1)] });
    await s.settled();
    expect(failures.map((e) => e.code)).toEqual(['io']);
    expect(s.getSnapshot()).toMatchObject({ status: 'failed', canUndo: false, canRedo: false });
    expect(s.getSnapshot().error?.message).toBe('disk full');
  });

  it('tells subscribers about every change', () => {
    const s = new EditSession(MatrixModel.fromView(smallView()), fakeBackend().backend);
    let seen = 0;
    const stop = s.subscribe(() => seen++);
    const v0 = s.getSnapshot().version;
    s.perform({ kind: 'cells', changes: [wechat('rep', 1)] });
    expect(seen).toBeGreaterThan(0);
    expect(s.getSnapshot().version).toBe(v0 + 1);
    stop();
  });
});
