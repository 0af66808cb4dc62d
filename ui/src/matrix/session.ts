/**
 * An editing session over one loaded matrix: every user action is applied to the model at once
 * (the grid redraws in the same frame), persisted by exactly one backend call (one revision and
 * one audit entry), and kept for undo and redo.
 *
 * Writes are queued so they reach the engine in the order they were made (an undo never
 * overtakes the paint it undoes). Undo sends the old values as a new edit, so the audit log
 * shows both. If a write fails, the workspace on disk is the truth: the session reports the
 * error, forgets its history and asks its owner to reload.
 */
import type { Action, BackendError, EditReport, Effect, Role, Scope } from '../lib/backend';
import { toBackendError } from '../lib/backend';
import type { CellEdit } from '../lib/backend/bindings/CellEdit';
import { toCell } from './levels';
import { ACTIONS, type CellChange, type MatrixModel } from './model';

/** What the session needs from the backend (the typed functions of lib/backend, or a fake). */
export interface EditorBackend {
  editCells: (edits: CellEdit[]) => Promise<EditReport>;
  setScope: (role: string, object: string, scope: Scope, maxTier: string | null) => Promise<EditReport>;
  setAction: (role: string, object: string, action: Action, effect: Effect) => Promise<EditReport>;
  putRole: (role: Role) => Promise<EditReport>;
  reorderRoles: (order: string[]) => Promise<void>;
}

export interface Reach {
  scope: Scope;
  maxTier: string | null;
}

/** One user action, with what it changed from and to. */
export type Edit =
  | { kind: 'cells'; changes: CellChange[] }
  | { kind: 'scope'; role: string; object: string; before: Reach; after: Reach }
  | { kind: 'action'; role: string; object: string; action: Action; before: Effect; after: Effect }
  | { kind: 'role'; before: Role; after: Role }
  | { kind: 'order'; before: string[]; after: string[] };

export type SaveStatus = 'saved' | 'saving' | 'failed';

export interface SessionSnapshot {
  /** Bumped by every change to the model: the grid redraws on it. */
  version: number;
  status: SaveStatus;
  error: BackendError | null;
  revision: number;
  canUndo: boolean;
  canRedo: boolean;
  /** The last cell action: how many cells, how long the local apply took, how long the save. */
  lastCells: { count: number; applyMs: number; saveMs: number | null } | null;
}

/** How many actions undo reaches back. */
export const HISTORY_LIMIT = 200;

const now = () => (typeof performance === 'undefined' ? Date.now() : performance.now());

export class EditSession {
  model: MatrixModel;
  private readonly backend: EditorBackend;
  private readonly onFailure: (error: BackendError) => void;
  private undoStack: Edit[] = [];
  private redoStack: Edit[] = [];
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;
  private listeners = new Set<() => void>();
  private snapshot: SessionSnapshot;

  constructor(model: MatrixModel, backend: EditorBackend, onFailure: (error: BackendError) => void = () => undefined) {
    this.model = model;
    this.backend = backend;
    this.onFailure = onFailure;
    this.snapshot = {
      version: 0,
      status: 'saved',
      error: null,
      revision: model.revision,
      canUndo: false,
      canRedo: false,
      lastCells: null,
    };
  }

  // ---- subscription (useSyncExternalStore) ----

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): SessionSnapshot => this.snapshot;

  private publish(patch: Partial<SessionSnapshot>, modelChanged = false): void {
    this.snapshot = {
      ...this.snapshot,
      ...patch,
      version: this.snapshot.version + (modelChanged ? 1 : 0),
      canUndo: this.undoStack.length > 0,
      canRedo: this.redoStack.length > 0,
    };
    for (const l of this.listeners) l();
  }

  /** A freshly loaded model (a role or field added, or a resync): history stays, it names cells by id. */
  replaceModel(model: MatrixModel): void {
    this.model = model;
    this.publish({ revision: Math.max(this.snapshot.revision, model.revision) }, true);
  }

  // ---- actions ----

  /**
   * Applies a user action now, persists it (one backend call) and makes it undoable. Cells that
   * would not change are dropped; an action that changes nothing is not an action.
   */
  perform(edit: Edit): boolean {
    const effective = edit.kind === 'cells' ? { ...edit, changes: edit.changes.filter((c) => c.before !== c.after) } : edit;
    if (effective.kind === 'cells' && effective.changes.length === 0) return false;
    this.undoStack.push(effective);
    if (this.undoStack.length > HISTORY_LIMIT) this.undoStack.shift();
    this.redoStack = [];
    this.run(effective, 'after');
    return true;
  }

  undo(): boolean {
    const edit = this.undoStack.pop();
    if (edit === undefined) return false;
    this.redoStack.push(edit);
    this.run(edit, 'before');
    return true;
  }

  redo(): boolean {
    const edit = this.redoStack.pop();
    if (edit === undefined) return false;
    this.undoStack.push(edit);
    this.run(edit, 'after');
    return true;
  }

  /** Resolves when every queued write has been answered. */
  settled(): Promise<void> {
    return this.queue;
  }

  private run(edit: Edit, side: 'before' | 'after'): void {
    const started = now();
    this.applyLocal(edit, side);
    const applyMs = now() - started;
    this.pending++;
    const count = edit.kind === 'cells' ? edit.changes.length : 0;
    this.publish(
      {
        status: 'saving',
        error: null,
        lastCells: edit.kind === 'cells' ? { count, applyMs, saveMs: null } : this.snapshot.lastCells,
      },
      true,
    );
    this.queue = this.queue.then(async () => {
      const sent = now();
      try {
        const report = await this.persist(edit, side);
        this.pending--;
        const saveMs = now() - sent;
        const revision = report?.revision ?? this.snapshot.revision;
        this.model.revision = Math.max(this.model.revision, revision);
        this.publish({
          status: this.pending === 0 && this.snapshot.status !== 'failed' ? 'saved' : this.snapshot.status,
          revision: Math.max(this.snapshot.revision, revision),
          lastCells: edit.kind === 'cells' && this.snapshot.lastCells !== null ? { ...this.snapshot.lastCells, saveMs } : this.snapshot.lastCells,
        });
      } catch (reason) {
        this.pending--;
        const error = toBackendError(reason);
        this.undoStack = [];
        this.redoStack = [];
        this.publish({ status: 'failed', error });
        this.onFailure(error);
      }
    });
  }

  private applyLocal(edit: Edit, side: 'before' | 'after'): void {
    const m = this.model;
    switch (edit.kind) {
      case 'cells':
        m.apply(edit.changes, side);
        break;
      case 'scope': {
        const reach = edit[side];
        m.setPolicy({ ...m.policy(edit.role, edit.object), scope: reach.scope, maxTier: reach.maxTier });
        break;
      }
      case 'action': {
        const p = m.policy(edit.role, edit.object);
        const actions = [...p.actions] as typeof p.actions;
        actions[ACTIONS.indexOf(edit.action)] = edit[side];
        m.setPolicy({ ...p, actions });
        break;
      }
      case 'role': {
        const slot = m.roleSlot.get(edit[side].id);
        const column = slot === undefined ? undefined : m.roles[slot];
        if (column !== undefined) Object.assign(column, edit[side]);
        break;
      }
      case 'order':
        m.setOrder(edit[side]);
        break;
    }
  }

  private async persist(edit: Edit, side: 'before' | 'after'): Promise<EditReport | null> {
    const b = this.backend;
    switch (edit.kind) {
      case 'cells':
        return b.editCells(edit.changes.map((c) => ({ role: c.role, field: c.field, cell: toCell(c[side]) })));
      case 'scope':
        return b.setScope(edit.role, edit.object, edit[side].scope, edit[side].maxTier);
      case 'action':
        return b.setAction(edit.role, edit.object, edit.action, edit[side]);
      case 'role':
        return b.putRole(edit[side]);
      case 'order':
        await b.reorderRoles(edit[side]);
        return null;
    }
  }
}
