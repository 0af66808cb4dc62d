// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { initI18n } from '../i18n';
import { BackendError, type Summary } from '../lib/backend';
import { WorkspaceProvider, useWorkspace } from './WorkspaceContext';
import { WorkspaceHome } from './WorkspaceHome';
import { WorkspaceStatus } from './WorkspaceStatus';

const summary: Summary = {
  path: '/data/acme.permgrid',
  meta: { id: 'abc123', name: 'Acme CRM', createdAt: '2026-01-02T03:04:05Z', createdBy: 'han.meimei', producer: 'permgrid 0.1.0' },
  revision: 12,
  departments: 5,
  employees: 1234,
  roles: 7,
  objects: 2,
  fields: 30,
  tiers: 4,
  cells: 105,
  cellsTotal: 210,
  fieldsToReview: 9,
  policies: 14,
  guardrails: 3,
  grants: 1,
  customers: 250000,
};

function renderHome(load: () => Promise<Summary>) {
  return render(
    <WorkspaceProvider load={load}>
      <WorkspaceHome />
      <WorkspaceStatus />
    </WorkspaceProvider>,
  );
}

beforeAll(() => {
  initI18n('en');
});
afterEach(cleanup);

describe('WorkspaceHome', () => {
  it('shows what the workspace holds, formatted', async () => {
    renderHome(() => Promise.resolve(summary));
    expect(await screen.findByTestId('workspace-name')).toHaveProperty('textContent', 'Acme CRM');
    expect(screen.getByTestId('stat-employees-value').textContent).toBe('1,234');
    expect(screen.getByTestId('stat-customers-value').textContent).toBe('250,000');
    expect(screen.getByTestId('stat-cells-value').textContent).toBe('105 of 210');
    expect(within(screen.getByTestId('stat-cells')).getByText('50% of roles × fields decided')).toBeTruthy();
    expect(screen.getByTestId('stat-fields-to-review').className).toContain('stat-attention');
    expect(screen.getByTestId('status-revision').textContent).toBe('Revision 12');
  });

  it('shows a backend error with its meaning, code and message', async () => {
    renderHome(() => Promise.reject(new BackendError('newerVersion', 'written by permgrid 9.0.0')));
    const notice = await screen.findByRole('alert');
    expect(within(notice).getByText('Could not open the workspace')).toBeTruthy();
    expect(within(notice).getByTestId('error-code').textContent).toBe('newerVersion');
    expect(within(notice).getByTestId('error-message').textContent).toBe('written by permgrid 9.0.0');
    expect(within(notice).getByText(/newer version of permgrid/)).toBeTruthy();
    expect(screen.getByTestId('status-bar').textContent).toContain('No workspace open');
  });
});

/** Stands in for the editor (which reports its saves, then clears its status when it closes) and for opening another workspace. */
function Actions() {
  const { setLive, switched } = useWorkspace();
  return (
    <>
      <button type="button" onClick={() => { setLive({ revision: 14, save: 'saved', error: null, lastCells: null }); }}>
        saved
      </button>
      <button type="button" onClick={() => { setLive(null); }}>
        closed
      </button>
      <button type="button" onClick={() => { switched({ ...summary, path: '/data/other.permgrid', revision: 2 }); }}>
        other
      </button>
    </>
  );
}

describe('WorkspaceStatus', () => {
  it('keeps the revision the editor reached after the editor closes, until another workspace opens', async () => {
    render(
      <WorkspaceProvider load={() => Promise.resolve(summary)}>
        <Actions />
        <WorkspaceStatus />
      </WorkspaceProvider>,
    );
    expect((await screen.findByTestId('status-revision')).textContent).toBe('Revision 12');
    fireEvent.click(screen.getByText('saved'));
    expect(screen.getByTestId('status-revision').textContent).toBe('Revision 14');
    fireEvent.click(screen.getByText('closed'));
    expect(screen.getByTestId('status-revision').textContent).toBe('Revision 14');
    fireEvent.click(screen.getByText('other'));
    expect(screen.getByTestId('status-revision').textContent).toBe('Revision 2');
  });
});
