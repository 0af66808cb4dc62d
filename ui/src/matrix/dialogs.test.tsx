// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { initI18n } from '../i18n';
import type { PersonLoss, Role } from '../lib/backend';
import { AddRoleDialog, DeleteRoleDialog, defaultMask, isValidId, suggestId } from './dialogs';
import { MatrixModel } from './model';
import { smallView } from './testFixture';

beforeAll(() => {
  initI18n('en');
});
afterEach(cleanup);

describe('ids', () => {
  it('follow the engine rule', () => {
    expect(isValidId('key_account-2')).toBe(true);
    expect(isValidId('')).toBe(false);
    expect(isValidId('with space')).toBe(false);
    expect(isValidId('x'.repeat(65))).toBe(false);
  });

  it('are proposed from the English name', () => {
    expect(suggestId('  Key Account Manager ')).toBe('key_account_manager');
    expect(suggestId('Risk & Compliance')).toBe('risk_compliance');
  });

  it('come with the default mask of their type', () => {
    expect(defaultMask('phone')).toBe('mobile');
    expect(defaultMask('text')).toBe('full');
  });
});

describe('AddRoleDialog', () => {
  it('refuses a taken id and sends a complete role', async () => {
    const model = MatrixModel.fromView(smallView());
    const added: Role[] = [];
    const onAdd = vi.fn((role: Role) => {
      added.push(role);
      return Promise.resolve();
    });
    render(<AddRoleDialog model={model} onAdd={onAdd} onClose={() => undefined} />);
    fireEvent.change(screen.getByTestId('role-name-zh'), { target: { value: '财务' } });
    fireEvent.change(screen.getByTestId('role-name-en'), { target: { value: 'Fin' } });
    fireEvent.change(screen.getByTestId('role-id'), { target: { value: 'fin' } });
    fireEvent.click(screen.getByTestId('role-add-submit'));
    expect(await screen.findByText('A role with this identifier exists.')).toBeTruthy();
    expect(onAdd).not.toHaveBeenCalled();
    fireEvent.change(screen.getByTestId('role-id'), { target: { value: 'fin2' } });
    fireEvent.click(screen.getByTestId('role-add-submit'));
    expect(added).toEqual([{ id: 'fin2', nameZh: '财务', nameEn: 'Fin', rank: 1, inherits: [], description: '' }]);
  });
});

describe('DeleteRoleDialog', () => {
  it('says who loses what before anything is deleted', async () => {
    const model = MatrixModel.fromView(smallView());
    const losses: PersonLoss[] = [{ employee: 'E007', name: '韩梅梅', fields: [['customer.mobile', 'read', 'masked']] }];
    const onDelete = vi.fn(() => Promise.resolve());
    render(<DeleteRoleDialog model={model} roleId="mgr" impact={() => Promise.resolve(losses)} onDelete={onDelete} onClose={() => undefined} />);
    expect(screen.getByRole('dialog').textContent).toContain('Delete the role “Sales manager”?');
    expect((await screen.findByTestId('impact-person')).textContent).toContain('韩梅梅 E007Mobile: Read → Masked');
    expect(screen.getByText('1 person would lose access:')).toBeTruthy();
    fireEvent.click(screen.getByTestId('delete-confirm'));
    expect(onDelete).toHaveBeenCalledWith('mgr');
  });
});
