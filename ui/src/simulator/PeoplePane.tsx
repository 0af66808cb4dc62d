/**
 * "Who changes": between an earlier revision and now, what every employee gains and loses —
 * field levels and actions tier by tier, and the sample customers they reach. People with the
 * same change are listed together under it.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { type AccessChange, type Directory, type Level, type PeopleDiff, type PersonChange, simPeopleDiff } from '../lib/backend';
import { rankOf } from '../matrix/levels';
import { ErrorNotice } from '../shared/ErrorNotice';
import { useFormat } from '../shared/format';
import { RevisionInput, useRevisionChoice } from './revision';
import { useLanguage, useQuery } from './useSim';
import { departmentName, nowIso } from './who';

/** Rows and names shown per change before "and N more". */
const SHOWN_ROWS = 40;
const SHOWN_PEOPLE = 30;
/** Changes shown as cards (most people first); the rest are counted. */
const SHOWN_CHANGES = 50;

export function PeoplePane({ dir, openedAt }: { dir: Directory; openedAt: number }) {
  const { t } = useTranslation();
  const { revision, choose, head } = useRevisionChoice(openedAt);
  const [asked, setAsked] = useState<{ key: string; revision: number; at: string } | null>(null);
  const loaded = useQuery(asked?.key ?? null, () => (asked === null ? Promise.reject(new Error('nothing asked')) : simPeopleDiff(asked.revision, null, asked.at)));
  const run = () => {
    const at = nowIso();
    setAsked({ key: `${revision}|${at}`, revision, at });
  };

  return (
    <div className="sim-people" data-testid="sim-people">
      <div className="editor-toolbar">
        <RevisionInput label={t('sim.people.since')} value={revision} onChange={choose} onEnter={run} testId="people-revision" />
        <button type="button" className="button" onClick={run} data-testid="people-run">
          {t('sim.people.run')}
        </button>
      </div>
      <p className="sim-muted">{t('sim.people.hint', { revision: head ?? openedAt })}</p>
      {loaded !== null && asked !== null && (
        <>
          {loaded.status === 'loading' && <p className="sim-muted">{t('sim.people.working')}</p>}
          {loaded.status === 'failed' && <ErrorNotice error={loaded.error} title={t('errors.actionTitle')} />}
          {loaded.status === 'ready' && <PeopleDiffView dir={dir} d={loaded.value} revision={asked.revision} />}
        </>
      )}
    </div>
  );
}

/** A people-level diff; `revision` is where it starts from, `null` for a change not yet made. */
export function PeopleDiffView({ dir, d, revision }: { dir: Directory; d: PeopleDiff; revision: number | null }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const reachOnly = d.people.filter((p) => p.change === null);
  return (
    <section data-testid="people-diff">
      <p className="sim-sees" data-testid="people-count" data-changed={d.people.length} data-employees={d.employees}>
        {revision === null
          ? t('sim.people.resultPending', { changed: fmt.number(d.people.length), employees: fmt.number(d.employees) })
          : t('sim.people.result', { revision, changed: fmt.number(d.people.length), employees: fmt.number(d.employees) })}
      </p>
      {d.people.length === 0 && <p data-testid="people-none">{t('sim.people.none')}</p>}
      {d.changes.slice(0, SHOWN_CHANGES).map((c, i) => (
        <ChangeCard key={i} dir={dir} c={c} index={i} people={d.people.filter((p) => p.change === i)} />
      ))}
      {d.changes.length > SHOWN_CHANGES && (
        <p className="sim-muted" data-testid="people-more-changes">
          {t('sim.people.moreChanges', { count: fmt.number(d.changes.length - SHOWN_CHANGES), people: fmt.number(d.changes.slice(SHOWN_CHANGES).reduce((n, c) => n + c.people, 0)) })}
        </p>
      )}
      {reachOnly.length > 0 && (
        <div className="sim-people-change" data-testid="people-reach-only">
          <h3>{t('sim.people.reachOnly', { count: fmt.number(reachOnly.length) })}</h3>
          <PeopleList dir={dir} people={reachOnly} />
        </div>
      )}
    </section>
  );
}

function LevelBadge({ level }: { level: Level }) {
  const { t } = useTranslation();
  return <span className={`sim-level sim-level-${level}`}>{t(`levels.${level}`)}</span>;
}

/** Per row (a field, or an object's action), what changes on each tier. */
function byTier<T extends { tier: string }>(items: T[], key: (x: T) => string): [string, Map<string, T>][] {
  const rows = new Map<string, Map<string, T>>();
  for (const x of items) {
    const k = key(x);
    let row = rows.get(k);
    if (row === undefined) {
      row = new Map();
      rows.set(k, row);
    }
    row.set(x.tier, x);
  }
  return [...rows.entries()];
}

function ChangeCard({ dir, c, index, people }: { dir: Directory; c: AccessChange; index: number; people: PersonChange[] }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const fmt = useFormat();
  const tiers = [...dir.tiers].sort((a, b) => a.rank - b.rank);
  const fieldName = (id: string) => {
    const f = dir.fields.find((x) => x.id === id);
    return f === undefined ? id : lang === 'zh' ? f.labelZh : f.labelEn;
  };
  const levelRows = byTier(c.levels, (l) => l.field);
  const actionRows = byTier(c.actions, (a) => `${a.object}|${a.action}`);
  const tierHead = (
    <>
      {tiers.map((x) => (
        <th key={x.id}>{lang === 'zh' ? x.nameZh : x.nameEn}</th>
      ))}
    </>
  );
  return (
    <div className="sim-people-change" data-testid="people-change" data-people={c.people} data-raised={c.raised} data-lowered={c.lowered}>
      <h3>
        {t('sim.people.change', { n: index + 1, count: fmt.number(c.people) })}
        <span className="sim-muted"> · {t('sim.people.counts', { raised: fmt.number(c.raised), lowered: fmt.number(c.lowered), actions: fmt.number(c.actions.length) })}</span>
      </h3>
      <PeopleList dir={dir} people={people} />
      {levelRows.length > 0 && (
        <table className="panel-table sim-table" data-testid="people-levels">
          <thead>
            <tr>
              <th>{t('sim.compare.field')}</th>
              {tierHead}
            </tr>
          </thead>
          <tbody>
            {levelRows.slice(0, SHOWN_ROWS).map(([field, row]) => (
              <tr key={field} data-field={field}>
                <td>{fieldName(field)}</td>
                {tiers.map((x) => {
                  const l = row.get(x.id);
                  return (
                    <td key={x.id} className={l === undefined ? 'sim-muted' : rankOf(l.after) > rankOf(l.before) ? 'sim-diff sim-up' : 'sim-diff sim-down'} data-tier={x.id} data-change={l === undefined ? '' : `${l.before}>${l.after}`}>
                      {l === undefined ? (
                        '—'
                      ) : (
                        <>
                          <LevelBadge level={l.before} /> → <LevelBadge level={l.after} />
                        </>
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {levelRows.length > SHOWN_ROWS && <p className="sim-muted">{t('sim.people.moreFields', { count: fmt.number(levelRows.length - SHOWN_ROWS) })}</p>}
      {actionRows.length > 0 && (
        <table className="panel-table sim-table" data-testid="people-actions">
          <thead>
            <tr>
              <th>{t('sim.compare.action')}</th>
              {tierHead}
            </tr>
          </thead>
          <tbody>
            {actionRows.slice(0, SHOWN_ROWS).map(([key, row]) => {
              const first = row.values().next().value;
              return (
                <tr key={key} data-action={key}>
                  <td>
                    {first === undefined ? key : t(`action.${first.action}`)} <span className="sim-muted">{first?.object}</span>
                  </td>
                  {tiers.map((x) => {
                    const a = row.get(x.id);
                    return (
                      <td key={x.id} className={a === undefined ? 'sim-muted' : 'sim-diff'} data-tier={x.id} data-change={a === undefined ? '' : `${a.before}>${a.after}`}>
                        {a === undefined ? '—' : `${t(`sim.effect.${a.before}`)} → ${t(`sim.effect.${a.after}`)}`}
                      </td>
                    );
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}

function PeopleList({ dir, people }: { dir: Directory; people: PersonChange[] }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const fmt = useFormat();
  return (
    <p className="sim-people-list">
      {people.slice(0, SHOWN_PEOPLE).map((p) => (
        <span key={p.employee} className="sim-person" data-employee={p.employee} data-gained={p.customersGained} data-lost={p.customersLost}>
          {p.name} <span className="sim-muted">{p.employee} · {departmentName(dir, p.department, lang)}</span>
          {p.presence !== 'both' && <span className="sim-muted"> · {t(`sim.people.presence.${p.presence}`)}</span>}
          {(p.customersGained > 0 || p.customersLost > 0) && (
            <span className="sim-muted"> · {t('sim.people.customers', { gained: fmt.number(p.customersGained), lost: fmt.number(p.customersLost) })}</span>
          )}
        </span>
      ))}
      {people.length > SHOWN_PEOPLE && <span className="sim-muted">{t('sim.people.morePeople', { count: fmt.number(people.length - SHOWN_PEOPLE) })}</span>}
    </p>
  );
}
