/**
 * Cells as small integers, the grant chips, and the text forms of a cell (the keywords of the
 * matrix CSV, so a range copied here pastes into a spreadsheet and back).
 *
 * A code holds the level in bits 0-1 and the approval-gated level in bits 2-3 (0 = none; an
 * approval level is always above the base level, so it is never 0). `UNDECIDED` is a cell no
 * one has decided yet: hidden (default deny) and listed for review.
 */
import type { Cell } from '../lib/backend/bindings/Cell';
import type { Level } from '../lib/backend/bindings/Level';

export type Code = number;

export const UNDECIDED: Code = 0xff;

/** The levels, by rank: hidden < masked < read < edit. */
export const LEVELS = ['hidden', 'masked', 'read', 'edit'] as const satisfies readonly Level[];

export type Rank = 0 | 1 | 2 | 3;

export function rankOf(level: Level): Rank {
  return LEVELS.indexOf(level) as Rank;
}

/** The code of a level, optionally gated up to `approval`; refuses an approval not above it. */
export function makeCode(level: Rank, approval: Rank | null = null): Code {
  if (approval === null || approval <= level) return level;
  return level | (approval << 2);
}

export function isDecided(code: Code): boolean {
  return code !== UNDECIDED;
}

/** The base level (an undecided cell counts as hidden, as the engine decides it). */
export function levelOf(code: Code): Rank {
  return code === UNDECIDED ? 0 : ((code & 3) as Rank);
}

/** The approval-gated level, if any. */
export function approvalOf(code: Code): Rank | null {
  if (code === UNDECIDED) return null;
  const a = (code >> 2) & 3;
  return a === 0 ? null : (a as Rank);
}

export function toCell(code: Code): Cell | null {
  if (code === UNDECIDED) return null;
  const approval = approvalOf(code);
  return { level: LEVELS[levelOf(code)], approval: approval === null ? null : LEVELS[approval] };
}

export function fromCell(cell: Cell | null): Code {
  if (cell === null) return UNDECIDED;
  return makeCode(rankOf(cell.level), cell.approval === null ? null : rankOf(cell.approval));
}

/** The engine's compact view: `0`-`3`, or `.` for undecided. */
export function fromViewChar(ch: string): Code {
  const n = ch.charCodeAt(0) - 48;
  return n >= 0 && n <= 3 ? n : UNDECIDED;
}

/** A chip of the palette: one of the four levels, or "+approval". */
export type Chip = Rank | 'approval';

export const CHIPS: readonly Chip[] = [0, 1, 2, 3, 'approval'];

/**
 * What a chip makes of a cell. A level chip sets that level, plain (no approval). "+approval"
 * gates the next level up behind an approval (masked -> masked, read with approval), leaves
 * a gated cell as it is, and cannot lift `edit`.
 */
export function applyChip(code: Code, chip: Chip): Code {
  if (chip !== 'approval') return chip;
  if (approvalOf(code) !== null) return code;
  const base = levelOf(code);
  if (base === 3) return code;
  return makeCode(base, (base + 1) as Rank);
}

/** The keyword form used on the clipboard and in the matrix CSV: `read`, `masked+read`, `` (undecided). */
export function keyword(code: Code): string {
  if (code === UNDECIDED) return '';
  const approval = approvalOf(code);
  const base = LEVELS[levelOf(code)];
  return approval === null ? base : `${base}+${LEVELS[approval]}`;
}

const SYNONYMS: Record<string, Rank> = {
  hidden: 0,
  masked: 1,
  read: 2,
  edit: 3,
  '0': 0,
  '1': 1,
  '2': 2,
  '3': 3,
  隐藏: 0,
  脱敏: 1,
  只读: 2,
  可编辑: 3,
  h: 0,
  m: 1,
  r: 2,
  e: 3,
};

function rankFromText(text: string): Rank | undefined {
  return SYNONYMS[text.trim().toLowerCase()];
}

/**
 * Parses a pasted cell: a keyword (`read`, `masked+read`), a digit 0-3, a letter H/M/R/E, or
 * the Chinese names (只读, 脱敏+只读). Empty text and anything unknown give `undefined`: the
 * cell is left alone rather than guessed.
 */
export function parseCellText(text: string): Code | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const [base, gated, ...rest] = t.split('+');
  if (rest.length > 0 || base === undefined) return undefined;
  const level = rankFromText(base);
  if (level === undefined) return undefined;
  if (gated === undefined) return level;
  const approval = rankFromText(gated);
  if (approval === undefined || approval <= level) return undefined;
  return makeCode(level, approval);
}
