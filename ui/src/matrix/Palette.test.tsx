// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { initI18n } from '../i18n';
import { Palette } from './Palette';

beforeAll(() => {
  initI18n('en');
  // jsdom has neither pointer events with ids nor pointer capture.
  class PointerEventWithId extends MouseEvent {
    readonly pointerId: number;
    constructor(type: string, init: PointerEventInit = {}) {
      super(type, init);
      this.pointerId = init.pointerId ?? 0;
    }
  }
  Object.assign(window, { PointerEvent: PointerEventWithId });
  HTMLElement.prototype.setPointerCapture = () => {};
});
afterEach(cleanup);

function setup() {
  const onArm = vi.fn();
  const apply = vi.fn();
  render(<Palette armed={null} onArm={onArm} resolve={() => ({ label: 'here', apply })} onDragEnd={() => {}} />);
  return { onArm, apply, chip: screen.getByTestId('chip-3') };
}

function drag(chip: HTMLElement) {
  fireEvent.pointerDown(chip, { button: 0, pointerId: 1, clientX: 10, clientY: 10 });
  fireEvent.pointerMove(chip, { pointerId: 1, clientX: 80, clientY: 90 });
  fireEvent.pointerUp(chip, { pointerId: 1, clientX: 80, clientY: 90 });
}

describe('palette chips', () => {
  it('drop where they are dragged, and the click that follows a drag does not arm them', () => {
    const { onArm, apply, chip } = setup();
    drag(chip);
    expect(apply).toHaveBeenCalledTimes(1);
    fireEvent.click(chip);
    expect(onArm).not.toHaveBeenCalled();
  });

  it('arm on the next click when the browser sent no click after a drag (WebKitGTK)', () => {
    const { onArm, chip } = setup();
    drag(chip);
    fireEvent.pointerDown(chip, { button: 0, pointerId: 2, clientX: 10, clientY: 10 });
    fireEvent.pointerUp(chip, { pointerId: 2, clientX: 10, clientY: 10 });
    fireEvent.click(chip);
    expect(onArm).toHaveBeenCalledWith(3);
  });
});
