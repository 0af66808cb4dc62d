/**
 * The one door to the desktop shell. Only this folder imports `@tauri-apps/*`; the rest of the
 * UI calls these typed functions, whose types are generated from Rust (./bindings: the engine's
 * types by ts-rs, the command table from the shell's commands; `cargo test` writes them, they
 * are never edited by hand).
 *
 * Every function rejects with a `BackendError` ({ code, message }).
 */
import { Channel, invoke } from '@tauri-apps/api/core';

import type { Action } from './bindings/Action';
import type { CellEdit } from './bindings/CellEdit';
import type { EditReport } from './bindings/EditReport';
import type { Effect } from './bindings/Effect';
import type { Comparison } from './bindings/Comparison';
import type { Directory } from './bindings/Directory';
import type { Explanation } from './bindings/Explanation';
import type { Field } from './bindings/Field';
import type { Level } from './bindings/Level';
import type { MatrixView } from './bindings/MatrixView';
import type { PeopleDiff } from './bindings/PeopleDiff';
import type { PersonLoss } from './bindings/PersonLoss';
import type { RecentWorkspace } from './bindings/RecentWorkspace';
import type { Role } from './bindings/Role';
import type { Scope } from './bindings/Scope';
import type { SimulationReport } from './bindings/SimulationReport';
import type { Summary } from './bindings/Summary';
import type { Who } from './bindings/Who';
import type { WhoCan } from './bindings/WhoCan';
import type { CsvKind } from './bindings/CsvKind';
import type { ImportPreview } from './bindings/ImportPreview';
import type { ImportProgress } from './bindings/ImportProgress';
import type { OrgCatalog } from './bindings/OrgCatalog';
import type { OrgEntity } from './bindings/OrgEntity';
import type { OrgKind } from './bindings/OrgKind';
import type { CommandName, Commands } from './commands';
import { toBackendError } from './errors';

export { BackendError, isErrorCode, toBackendError } from './errors';
export type { AccessChange } from './bindings/AccessChange';
export type { Action } from './bindings/Action';
export type { Category } from './bindings/Category';
export type { Cell } from './bindings/Cell';
export type { CellEdit } from './bindings/CellEdit';
export type { EditReport } from './bindings/EditReport';
export type { Effect } from './bindings/Effect';
export type { ErrorCode } from './bindings/ErrorCode';
export type { ErrorDto } from './bindings/ErrorDto';
export type { Field } from './bindings/Field';
export type { FieldRow } from './bindings/FieldRow';
export type { FieldType } from './bindings/FieldType';
export type { Level } from './bindings/Level';
export type { PeopleDiff } from './bindings/PeopleDiff';
export type { PersonChange } from './bindings/PersonChange';
export type { MaskRule } from './bindings/MaskRule';
export type { MatrixView } from './bindings/MatrixView';
export type { ObjectDef } from './bindings/ObjectDef';
export type { ObjectPolicy } from './bindings/ObjectPolicy';
export type { PersonLoss } from './bindings/PersonLoss';
export type { RecentWorkspace } from './bindings/RecentWorkspace';
export type { Role } from './bindings/Role';
export type { RoleColumn } from './bindings/RoleColumn';
export type { Scope } from './bindings/Scope';
export type { Sensitivity } from './bindings/Sensitivity';
export type { Summary } from './bindings/Summary';
export type { Tier } from './bindings/Tier';
export type { WorkspaceMeta } from './bindings/WorkspaceMeta';
export type { AccessEntry } from './bindings/AccessEntry';
export type { BulkExportView } from './bindings/BulkExportView';
export type { Comparison } from './bindings/Comparison';
export type { Department } from './bindings/Department';
export type { Directory } from './bindings/Directory';
export type { Employee } from './bindings/Employee';
export type { Explanation } from './bindings/Explanation';
export type { FieldDiff } from './bindings/FieldDiff';
export type { SimulationReport } from './bindings/SimulationReport';
export type { Suggestion } from './bindings/Suggestion';
export type { ViewAction } from './bindings/ViewAction';
export type { ViewColumn } from './bindings/ViewColumn';
export type { ViewRow } from './bindings/ViewRow';
export type { Who } from './bindings/Who';
export type { WhoCan } from './bindings/WhoCan';
export type { CsvKind } from './bindings/CsvKind';
export type { ImportIssue } from './bindings/ImportIssue';
export type { ImportPreview } from './bindings/ImportPreview';
export type { ImportProgress } from './bindings/ImportProgress';
export type { ImportStage } from './bindings/ImportStage';
export type { OrgCatalog } from './bindings/OrgCatalog';
export type { OrgEntity } from './bindings/OrgEntity';
export type { OrgKind } from './bindings/OrgKind';
export type { Status } from './bindings/Status';

async function call<C extends CommandName>(command: C, args: Commands[C]['args']): Promise<Commands[C]['result']> {
  try {
    return await invoke<Commands[C]['result']>(command, args);
  } catch (reason) {
    throw toBackendError(reason);
  }
}

/** What the open workspace holds, in numbers. */
export function workspaceSummary(): Promise<Summary> {
  return call('workspace_summary', {});
}

/** The whole matrix, compactly. */
export function matrixView(): Promise<MatrixView> {
  return call('matrix_view', {});
}

/** Sets cells as one revision and one audit entry (one call per user action). */
export function editCells(edits: CellEdit[]): Promise<EditReport> {
  return call('edit_cells', { edits });
}

/** Sets the row scope and tier reach of a role on an object (`maxTier` null: every tier). */
export function setScope(role: string, object: string, scope: Scope, maxTier: string | null): Promise<EditReport> {
  return call('set_scope', { role, object, scope, maxTier });
}

/** Sets one action grant of a role on an object. */
export function setAction(role: string, object: string, action: Action, effect: Effect): Promise<EditReport> {
  return call('set_action', { role, object, action, effect });
}

/** Adds a role, or renames / updates one. */
export function putRole(role: Role): Promise<EditReport> {
  return call('put_role', { role });
}

/** Who would lose what if the role were deleted now. */
export function roleDeletionImpact(role: string): Promise<PersonLoss[]> {
  return call('role_deletion_impact', { role });
}

/** Deletes a role with everything that names it. */
export function deleteRole(role: string): Promise<EditReport> {
  return call('delete_role', { role });
}

/** Sets the display order of the roles. */
export async function reorderRoles(order: string[]): Promise<void> {
  await call('reorder_roles', { order });
}

/** Adds a field (undecided for every role until reviewed) or updates one. */
export function putField(field: Field): Promise<EditReport> {
  return call('put_field', { field });
}

/** The workspaces opened recently, newest first. */
export function recentWorkspaces(): Promise<RecentWorkspace[]> {
  return call('recent_workspaces', {});
}

/** Opens another workspace file. */
export function openWorkspace(path: string): Promise<Summary> {
  return call('open_workspace', { path });
}

/** Creates a workspace file (empty, or the demo company) and opens it. */
export function createWorkspace(path: string, name: string, demo: boolean): Promise<Summary> {
  return call('create_workspace', { path, name, demo });
}

/** The departments, employees, roles, customer fields and tiers, for the simulator's pickers. */
export function simDirectory(): Promise<Directory> {
  return call('sim_directory', {});
}

/** The customer table as `who` sees it at `at` (ISO time): visible rows `offset..offset+limit`. */
export function simView(who: Who, at: string, offset: number, limit: number): Promise<SimulationReport> {
  return call('sim_view', { who, at, offset, limit });
}

/** Why `who` sees `field` of `customer` as they do, and what would grant more. */
export function simExplain(who: Who, field: string, customer: string | null, at: string): Promise<Explanation> {
  return call('sim_explain', { who, field, customer, at });
}

/** Who can see `field` at `minLevel` or more (on `tier`, or any tier). */
export function simWhoCan(field: string, minLevel: Level, tier: string | null, at: string): Promise<WhoCan> {
  return call('sim_who_can', { field, minLevel, tier, at });
}

/** Two views compared. */
export function simCompare(a: Who, b: Who, at: string): Promise<Comparison> {
  return call('sim_compare', { a, b, at });
}

/** `who`'s view at an earlier revision (A) against now (B). */
export function simCompareRevision(who: Who, revision: number, at: string): Promise<Comparison> {
  return call('sim_compare_revision', { who, revision, at });
}

/** What every employee gains and loses from revision `from` to `to` (now when null). */
export function simPeopleDiff(from: number, to: number | null, at: string): Promise<PeopleDiff> {
  return call('sim_people_diff', { from, to, at });
}

/** What every employee would gain and lose if `edits` were made now (nothing is saved). */
export function simPeopleDiffPending(edits: CellEdit[], at: string): Promise<PeopleDiff> {
  return call('sim_people_diff_pending', { edits, at });
}

/** The departments, employees, roles, objects, fields and tiers. */
export function orgCatalog(): Promise<OrgCatalog> {
  return call('org_catalog', {});
}

/** Adds (`create`: refused when the id exists) or updates an entity of the org or the catalog. */
export function putOrgEntity(entity: OrgEntity, create: boolean): Promise<EditReport> {
  return call('put_org_entity', { entity, create });
}

/** Deletes an entity of the org or the catalog; refused (with the reason) while others depend on it. */
export function deleteOrgEntity(kind: OrgKind, id: string): Promise<EditReport> {
  return call('delete_org_entity', { kind, id });
}

/** What importing `text` as `kind` would do, without writing; `onProgress` hears how far it got. */
export function previewCsv(kind: CsvKind, file: string, text: string, onProgress: (p: ImportProgress) => void): Promise<ImportPreview> {
  return call('preview_csv', { kind, file, text, onProgress: new Channel<ImportProgress>(onProgress) });
}

/** Imports `text` as `kind` atomically (nothing changes on error); `onProgress` hears how far it got. */
export function importCsv(kind: CsvKind, file: string, text: string, onProgress: (p: ImportProgress) => void): Promise<EditReport> {
  return call('import_csv', { kind, file, text, onProgress: new Channel<ImportProgress>(onProgress) });
}

/** The CSV text of one kind (the export is audited). */
export function exportCsv(kind: CsvKind): Promise<string> {
  return call('export_csv', { kind });
}

/** Saves the CSV of one kind as a new file in the downloads folder; resolves to its path. */
export function saveCsv(kind: CsvKind): Promise<string> {
  return call('save_csv', { kind });
}

/** Whether the UI talks to the desktop shell or to the canned mock (`vite build --mode mock`). */
export function backendKind(): 'desktop' | 'mock' {
  return mockInstalled ? 'mock' : 'desktop';
}

let mockInstalled = false;

/** Called by ./mock once it has replaced the IPC layer. */
export function markMockInstalled(): void {
  mockInstalled = true;
}
