/**
 * The palette of grant chips. A chip is dragged with pointer events (the same in WebView2,
 * WebKitGTK and Chromium, and drivable by WebDriver and Playwright pointer actions): the
 * editor says what lies under the pointer, the chip's ghost says what the drop would do.
 * Clicking a chip (or Enter / Space on it) arms it for painting: press and drag across cells.
 */
import { useCallback, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { CHIPS, type Chip, LEVELS } from './levels';
import { useCellText } from './text';

export interface DropTarget {
  /** What the drop would do, in words (shown next to the pointer). */
  label: string;
  apply: () => void;
}

export interface PaletteProps {
  armed: Chip | null;
  onArm: (chip: Chip | null) => void;
  /** What a chip released at this point would do, or null if nothing. */
  resolve: (clientX: number, clientY: number, chip: Chip) => DropTarget | null;
  /** The drag ended or was cancelled: clear any preview. */
  onDragEnd: () => void;
}

const KEYS: Record<string, string> = { '0': '0', '1': '1', '2': '2', '3': '3', approval: 'A' };

const DRAG_THRESHOLD = 4;

export function chipClass(chip: Chip): string {
  return chip === 'approval' ? 'chip chip-approval' : `chip chip-level-${chip}`;
}

export function Palette({ armed, onArm, resolve, onDragEnd }: PaletteProps) {
  const { t } = useTranslation();
  const text = useCellText();
  const drag = useRef<{ chip: Chip; x: number; y: number; id: number; moving: boolean } | null>(null);
  const suppressClick = useRef(false);
  const [ghost, setGhost] = useState<{ chip: Chip; x: number; y: number; label: string | null } | null>(null);

  const end = useCallback(() => {
    drag.current = null;
    setGhost(null);
    onDragEnd();
  }, [onDragEnd]);

  const describe = (chip: Chip) => t(`palette.describe.${chip === 'approval' ? 'approval' : LEVELS[chip]}`);

  return (
    <div className="palette" role="toolbar" aria-label={t('palette.label')} data-testid="palette">
      {CHIPS.map((chip) => {
        const name = text.chip(chip);
        const key = KEYS[String(chip)] ?? '';
        return (
          <button
            key={String(chip)}
            type="button"
            className={chipClass(chip)}
            aria-pressed={armed === chip}
            title={`${describe(chip)} · ${t('palette.key', { key })}`}
            data-testid={`chip-${String(chip)}`}
            onPointerDown={(e) => {
              if (e.button !== 0) return;
              // A new press: forget a click suppressed after an earlier drag. WebKitGTK sends
              // no click after a drag whose release lands elsewhere, so the flag would
              // otherwise swallow the next real click.
              suppressClick.current = false;
              e.currentTarget.setPointerCapture(e.pointerId);
              drag.current = { chip, x: e.clientX, y: e.clientY, id: e.pointerId, moving: false };
            }}
            onPointerMove={(e) => {
              const d = drag.current;
              if (d === null || d.id !== e.pointerId) return;
              if (!d.moving && Math.hypot(e.clientX - d.x, e.clientY - d.y) < DRAG_THRESHOLD) return;
              d.moving = true;
              const target = resolve(e.clientX, e.clientY, chip);
              setGhost({ chip, x: e.clientX, y: e.clientY, label: target?.label ?? null });
            }}
            onPointerUp={(e) => {
              const d = drag.current;
              if (d === null || d.id !== e.pointerId) return;
              if (d.moving) {
                suppressClick.current = true;
                resolve(e.clientX, e.clientY, chip)?.apply();
              }
              end();
            }}
            onPointerCancel={end}
            onLostPointerCapture={() => {
              if (drag.current !== null) end();
            }}
            onClick={() => {
              if (suppressClick.current) {
                suppressClick.current = false;
                return;
              }
              onArm(armed === chip ? null : chip);
            }}
          >
            <span className="chip-swatch" aria-hidden="true">
              {chip === 'approval' ? '+' : t(`levels.letter.${LEVELS[chip]}`)}
            </span>
            <span className="chip-name">{name}</span>
            <kbd className="chip-key" aria-hidden="true">
              {key}
            </kbd>
          </button>
        );
      })}
      <p className="palette-hint" data-testid="palette-hint">
        {armed === null ? t('palette.hint') : t('palette.armed', { chip: text.chip(armed) })}
      </p>
      {ghost !== null && (
        <div className="chip-ghost" aria-hidden="true" style={{ transform: `translate(${ghost.x + 14}px, ${ghost.y + 12}px)` }} data-testid="chip-ghost">
          <span className={chipClass(ghost.chip)}>{text.chip(ghost.chip)}</span>
          {ghost.label !== null && <span className="chip-ghost-label">{ghost.label}</span>}
        </div>
      )}
    </div>
  );
}
