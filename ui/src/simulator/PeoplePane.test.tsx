// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { initI18n } from '../i18n';
import type { AccessChange, Directory, PeopleDiff, PersonChange } from '../lib/backend';
import { PeopleDiffView } from './PeoplePane';

const dir: Directory = {
  departments: [],
  employees: [],
  roles: [],
  fields: [],
  tiers: [{ id: 'prospect', rank: 0, nameZh: '潜在客户', nameEn: 'Prospect' }],
};

function change(i: number): AccessChange {
  return {
    levels: [{ field: `customer.f${i}`, tier: 'prospect', before: 'hidden', after: 'read' }],
    actions: [],
    raised: 1,
    lowered: 0,
    people: 1,
  };
}

function person(i: number): PersonChange {
  return { employee: `E${i}`, name: `员工${i}`, department: 'hq', presence: 'both', change: i, customersGained: 0, customersLost: 0 };
}

beforeAll(() => {
  initI18n('en');
});
afterEach(cleanup);

describe('PeopleDiffView', () => {
  it('shows the first 50 changes as cards and counts the rest with the people they affect', () => {
    const d: PeopleDiff = {
      at: '2026-03-02T10:00:00Z',
      employees: 100,
      customers: 0,
      changes: Array.from({ length: 60 }, (_, i) => change(i)),
      people: Array.from({ length: 60 }, (_, i) => person(i)),
    };
    render(<PeopleDiffView dir={dir} d={d} revision={4} />);
    expect(screen.getByTestId('people-count').textContent).toBe('Since revision 4: 60 of 100 employees change');
    expect(screen.getAllByTestId('people-change')).toHaveLength(50);
    expect(screen.getByTestId('people-more-changes').textContent).toBe('…and 10 more changes, affecting 10 people: `permgrid diff --people --format json` lists them all');
  });

  it('says when nobody changes', () => {
    render(<PeopleDiffView dir={dir} d={{ at: '2026-03-02T10:00:00Z', employees: 60, customers: 0, changes: [], people: [] }} revision={2} />);
    expect(screen.getByTestId('people-none').textContent).toBe('Nobody’s access changes.');
    expect(screen.queryAllByTestId('people-change')).toHaveLength(0);
  });
});
