/**
 * Canvas drawing of the matrix: each cell shows its level by colour AND a letter (never colour
 * alone), an approval-gated cell adds a corner mark and the gated level's letter, and an
 * undecided cell is striped with a question mark. Field rows show a sensitivity badge; heading
 * rows name the object and category. Colours follow the light or dark theme.
 */
import type { Sensitivity } from '../lib/backend';
import { type Code, UNDECIDED, approvalOf, levelOf } from './levels';

export interface Palette {
  level: readonly { bg: string; fg: string }[];
  undecided: { bg: string; stripe: string; fg: string };
  approval: string;
  sensitivity: Record<Sensitivity, { bg: string; fg: string }>;
  text: string;
  muted: string;
  groupBg: string;
  groupText: string;
  selection: string;
  drop: string;
  review: string;
}

export const LIGHT: Palette = {
  level: [
    { bg: '#e4e8ee', fg: '#3d4756' },
    { bg: '#fbe2a8', fg: '#6e4600' },
    { bg: '#cde2fa', fg: '#0f447c' },
    { bg: '#c6ebd2', fg: '#11552d' },
  ],
  undecided: { bg: '#ffffff', stripe: '#f4d6d6', fg: '#a3262b' },
  approval: '#7b3fb5',
  sensitivity: {
    public: { bg: '#e8ebef', fg: '#3d4756' },
    internal: { bg: '#dbe8f8', fg: '#1d4f8f' },
    confidential: { bg: '#fde8c4', fg: '#7a4a00' },
    restricted: { bg: '#f9d4d2', fg: '#9c1c16' },
  },
  text: '#18212d',
  muted: '#556274',
  groupBg: '#eef2f7',
  groupText: '#1f3a5f',
  selection: 'rgba(31, 95, 174, 0.22)',
  drop: 'rgba(224, 138, 0, 0.35)',
  review: '#a3262b',
};

export const DARK: Palette = {
  level: [
    { bg: '#2a313c', fg: '#b4bfcd' },
    { bg: '#5b4415', fg: '#ffd98a' },
    { bg: '#1c3a5c', fg: '#acd0f8' },
    { bg: '#1d4830', fg: '#a8e8c0' },
  ],
  undecided: { bg: '#1a212b', stripe: '#4a2a2d', fg: '#ff9c9c' },
  approval: '#c99cf5',
  sensitivity: {
    public: { bg: '#2f3844', fg: '#c3ccd8' },
    internal: { bg: '#1f3450', fg: '#a9c9f2' },
    confidential: { bg: '#4b3812', fg: '#ffd27a' },
    restricted: { bg: '#4d1f1d', fg: '#ff9d97' },
  },
  text: '#e6ebf2',
  muted: '#9aa8ba',
  groupBg: '#222b37',
  groupText: '#cfe0f5',
  selection: 'rgba(127, 178, 240, 0.26)',
  drop: 'rgba(255, 181, 71, 0.35)',
  review: '#ff9c9c',
};

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The letters of the levels in the UI language, and the undecided mark. */
export interface Letters {
  level: readonly [string, string, string, string];
  undecided: string;
}

const FONT = "'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', system-ui, sans-serif";

export function drawLevelCell(ctx: CanvasRenderingContext2D, r: Rect, code: Code, p: Palette, letters: Letters, highlighted: boolean): void {
  ctx.save();
  if (code === UNDECIDED) {
    ctx.fillStyle = p.undecided.bg;
    ctx.fillRect(r.x, r.y, r.width, r.height);
    ctx.beginPath();
    ctx.rect(r.x, r.y, r.width, r.height);
    ctx.clip();
    ctx.strokeStyle = p.undecided.stripe;
    ctx.lineWidth = 4;
    for (let d = -r.height; d < r.width; d += 10) {
      ctx.beginPath();
      ctx.moveTo(r.x + d, r.y + r.height);
      ctx.lineTo(r.x + d + r.height, r.y);
      ctx.stroke();
    }
    ctx.fillStyle = p.undecided.fg;
    ctx.font = `700 13px ${FONT}`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(letters.undecided, r.x + r.width / 2, r.y + r.height / 2 + 1);
  } else {
    const level = levelOf(code);
    const colours = p.level[level] ?? p.level[0];
    ctx.fillStyle = colours?.bg ?? '#ccc';
    ctx.fillRect(r.x + 1, r.y + 1, r.width - 2, r.height - 2);
    ctx.fillStyle = colours?.fg ?? '#000';
    ctx.font = `600 13px ${FONT}`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    const approval = approvalOf(code);
    const cx = r.x + r.width / 2 - (approval === null ? 0 : 10);
    ctx.fillText(letters.level[level], cx, r.y + r.height / 2 + 1);
    if (approval !== null) {
      // A corner flag and "+X": the level reachable with an approved request.
      ctx.fillStyle = p.approval;
      ctx.beginPath();
      ctx.moveTo(r.x + r.width - 1, r.y + 1);
      ctx.lineTo(r.x + r.width - 11, r.y + 1);
      ctx.lineTo(r.x + r.width - 1, r.y + 11);
      ctx.closePath();
      ctx.fill();
      ctx.font = `600 11px ${FONT}`;
      ctx.fillText(`+${letters.level[approval]}`, r.x + r.width / 2 + 12, r.y + r.height / 2 + 1);
    }
  }
  if (highlighted) {
    ctx.fillStyle = p.selection;
    ctx.fillRect(r.x, r.y, r.width, r.height);
  }
  ctx.restore();
}

function ellipsize(ctx: CanvasRenderingContext2D, text: string, max: number): string {
  if (ctx.measureText(text).width <= max) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (ctx.measureText(`${text.slice(0, mid)}…`).width <= max) lo = mid;
    else hi = mid - 1;
  }
  return `${text.slice(0, lo)}…`;
}

export function drawFieldCell(
  ctx: CanvasRenderingContext2D,
  r: Rect,
  label: string,
  id: string,
  sensitivity: Sensitivity,
  badge: string,
  reviewMark: string | null,
  p: Palette,
  highlighted: boolean,
): void {
  ctx.save();
  ctx.beginPath();
  ctx.rect(r.x, r.y, r.width, r.height);
  ctx.clip();
  if (highlighted) {
    ctx.fillStyle = p.selection;
    ctx.fillRect(r.x, r.y, r.width, r.height);
  }
  ctx.font = `600 11px ${FONT}`;
  const badgeWidth = ctx.measureText(badge).width + 12;
  const bx = r.x + r.width - badgeWidth - 8;
  const by = r.y + (r.height - 18) / 2;
  const colours = p.sensitivity[sensitivity];
  ctx.fillStyle = colours.bg;
  ctx.beginPath();
  ctx.roundRect(bx, by, badgeWidth, 18, 9);
  ctx.fill();
  ctx.fillStyle = colours.fg;
  ctx.textBaseline = 'middle';
  ctx.fillText(badge, bx + 6, by + 9.5);

  let x = r.x + 10;
  if (reviewMark !== null) {
    ctx.fillStyle = p.review;
    ctx.beginPath();
    ctx.arc(x + 3, r.y + r.height / 2, 3.5, 0, Math.PI * 2);
    ctx.fill();
    x += 12;
  }
  ctx.fillStyle = p.text;
  ctx.font = `13px ${FONT}`;
  const room = bx - x - 8;
  const main = ellipsize(ctx, label, room);
  ctx.fillText(main, x, r.y + r.height / 2 + 1);
  const used = ctx.measureText(main).width;
  if (used + 40 < room) {
    ctx.fillStyle = p.muted;
    ctx.font = `11px ${FONT}`;
    ctx.fillText(ellipsize(ctx, id, room - used - 10), x + used + 8, r.y + r.height / 2 + 1);
  }
  ctx.restore();
}

export function drawGroupCell(ctx: CanvasRenderingContext2D, r: Rect, title: string | null, p: Palette, highlighted: boolean): void {
  ctx.save();
  ctx.fillStyle = p.groupBg;
  ctx.fillRect(r.x, r.y, r.width, r.height);
  if (highlighted) {
    ctx.fillStyle = p.selection;
    ctx.fillRect(r.x, r.y, r.width, r.height);
  }
  if (title !== null) {
    ctx.beginPath();
    ctx.rect(r.x, r.y, r.width, r.height);
    ctx.clip();
    ctx.fillStyle = p.groupText;
    ctx.font = `700 12px ${FONT}`;
    ctx.textBaseline = 'middle';
    ctx.fillText(ellipsize(ctx, title, r.width - 16), r.x + 10, r.y + r.height / 2 + 1);
  }
  ctx.restore();
}

/** A role header: name on up to two lines, then how many people hold it. */
export function drawRoleHeader(
  ctx: CanvasRenderingContext2D,
  r: Rect,
  name: string,
  holders: string,
  p: Palette,
  state: { selected: boolean; drop: boolean; hovered: boolean },
): void {
  ctx.save();
  ctx.beginPath();
  ctx.rect(r.x, r.y, r.width, r.height);
  ctx.clip();
  if (state.drop) {
    ctx.fillStyle = p.drop;
    ctx.fillRect(r.x, r.y, r.width, r.height);
  } else if (state.selected) {
    ctx.fillStyle = p.selection;
    ctx.fillRect(r.x, r.y, r.width, r.height);
  }
  ctx.fillStyle = p.text;
  ctx.font = `600 12px ${FONT}`;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'center';
  const max = r.width - 10;
  const lines = wrap(ctx, name, max, 2);
  const top = r.y + 14;
  lines.forEach((line, i) => { ctx.fillText(line, r.x + r.width / 2, top + i * 16); });
  ctx.fillStyle = p.muted;
  ctx.font = `11px ${FONT}`;
  ctx.fillText(holders, r.x + r.width / 2, r.y + r.height - 11);
  if (state.hovered) {
    // The grip that says the header can be dragged to reorder.
    ctx.fillStyle = p.muted;
    for (let i = 0; i < 3; i++) ctx.fillRect(r.x + r.width / 2 - 6 + i * 5, r.y + 3, 2, 2);
  }
  ctx.restore();
}

function wrap(ctx: CanvasRenderingContext2D, text: string, max: number, maxLines: number): string[] {
  // Chinese wraps between any two characters; other scripts between words.
  const units = /\p{Script=Han}/u.test(text) ? Array.from(text) : text.split(/(?<=\s)/);
  const lines: string[] = [];
  let line = '';
  for (const unit of units) {
    const next = line + unit;
    if (ctx.measureText(next.trimEnd()).width <= max || line === '') {
      line = next;
    } else {
      lines.push(line.trimEnd());
      line = unit.trimStart();
    }
  }
  if (line !== '') lines.push(line.trimEnd());
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  kept[maxLines - 1] = ellipsize(ctx, lines.slice(maxLines - 1).join(' '), max);
  return kept;
}
