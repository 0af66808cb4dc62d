/**
 * Two views compared: two people (or role sets) side by side, or one person before (an earlier
 * revision) and now. Differences are counted and the differing fields and actions highlighted.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { type Comparison, type Directory, type Who, simCompare, simCompareRevision } from '../lib/backend';
import { ErrorNotice } from '../shared/ErrorNotice';
import { useFormat } from '../shared/format';
import { RevisionInput, useRevisionChoice } from './revision';
import { WhoPicker } from './WhoPicker';
import { useLanguage, useQuery } from './useSim';
import { nowIso, whoKey, whoLabel } from './who';

type Mode = 'twoPeople' | 'beforeAfter';

export function ComparePane({ dir, initial, openedAt }: { dir: Directory; initial: Who | null; openedAt: number }) {
  const { t } = useTranslation();
  const [mode, setMode] = useState<Mode>('twoPeople');
  const [a, setA] = useState<Who | null>(initial);
  const [b, setB] = useState<Who | null>(null);
  // Before the last change, by default.
  const { revision, choose, head: headRevision, known } = useRevisionChoice(openedAt);
  const [asked, setAsked] = useState<{ key: string; run: () => Promise<Comparison>; labels: [string, string] } | null>(null);
  const lang = useLanguage();
  const loaded = useQuery(asked?.key ?? null, () => asked?.run() ?? Promise.reject(new Error('nothing asked')));

  const ready = mode === 'twoPeople' ? a !== null && b !== null : a !== null && known;
  const run = () => {
    if (a === null) return;
    const at = nowIso();
    if (mode === 'twoPeople') {
      if (b === null) return;
      setAsked({ key: `${whoKey(a)}|${whoKey(b)}|${at}`, run: () => simCompare(a, b, at), labels: [whoLabel(dir, a, lang), whoLabel(dir, b, lang)] });
    } else {
      setAsked({
        key: `${whoKey(a)}|rev${revision}|${at}`,
        run: () => simCompareRevision(a, revision, at),
        labels: [t('sim.compare.before', { revision }), t('sim.compare.after')],
      });
    }
  };

  return (
    <div className="sim-compare" data-testid="sim-compare">
      <div className="sim-compare-mode" role="radiogroup" aria-label={t('sim.compare.mode')}>
        {(['twoPeople', 'beforeAfter'] as const).map((m) => (
          <label key={m} className="toolbar-check">
            <input
              type="radio"
              name="compare-mode"
              checked={mode === m}
              onChange={() => {
                setMode(m);
              }}
              data-testid={`compare-mode-${m}`}
            />
            <span>{t(`sim.compare.${m}`)}</span>
          </label>
        ))}
      </div>
      <div className="sim-compare-pickers">
        <div>
          <h3>A</h3>
          <WhoPicker dir={dir} who={a} onChange={setA} testId="compare-a" />
        </div>
        {mode === 'twoPeople' ? (
          <div>
            <h3>B</h3>
            <WhoPicker dir={dir} who={b} onChange={setB} testId="compare-b" />
          </div>
        ) : (
          <div>
            <RevisionInput label={t('sim.compare.revision')} value={revision} onChange={choose} testId="compare-revision" />
            <p className="sim-muted">{t('sim.compare.revisionHint', { revision: headRevision ?? openedAt })}</p>
          </div>
        )}
      </div>
      <button type="button" className="button" disabled={!ready} onClick={run} data-testid="compare-run">
        {t('sim.compare.run')}
      </button>
      {!ready && <p className="sim-muted">{t('sim.compare.pick')}</p>}
      {loaded !== null && asked !== null && (
        <>
          {loaded.status === 'loading' && <p className="sim-muted">{t('sim.loading')}</p>}
          {loaded.status === 'failed' && <ErrorNotice error={loaded.error} title={t('errors.actionTitle')} />}
          {loaded.status === 'ready' && <ComparisonView c={loaded.value} labels={asked.labels} />}
        </>
      )}
    </div>
  );
}

function ComparisonView({ c, labels }: { c: Comparison; labels: [string, string] }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const fmt = useFormat();
  const fields = c.fields.filter((f) => f.aHigher > 0 || f.bHigher > 0);
  const same = fields.length === 0 && c.onlyACount === 0 && c.onlyBCount === 0 && c.actions.length === 0;
  const cell = (v: { level: string; value: string | null }) => (v.value === null ? t(`levels.${v.level as 'hidden'}`) : `${v.value} (${t(`levels.${v.level as 'hidden'}`)})`);
  return (
    <section className="sim-comparison" data-testid="comparison" data-cells={c.cellsDiffering} data-only-a={c.onlyACount} data-only-b={c.onlyBCount} data-fields={fields.length}>
      <div className="sim-compare-counts">
        <div className="sim-count-card">
          <span className="sim-muted">A</span> {t('sim.compare.sees', { name: labels[0], count: fmt.number(c.aVisible) })}
        </div>
        <div className="sim-count-card">
          <span className="sim-muted">B</span> {t('sim.compare.sees', { name: labels[1], count: fmt.number(c.bVisible) })}
        </div>
        <div className="sim-count-card">{t('sim.compare.both', { count: fmt.number(c.both) })}</div>
        <div className={`sim-count-card${c.onlyACount > 0 ? ' sim-diff' : ''}`} data-testid="compare-only-a">
          {t('sim.compare.onlyA', { count: fmt.number(c.onlyACount) })}
        </div>
        <div className={`sim-count-card${c.onlyBCount > 0 ? ' sim-diff' : ''}`} data-testid="compare-only-b">
          {t('sim.compare.onlyB', { count: fmt.number(c.onlyBCount) })}
        </div>
        <div className={`sim-count-card${c.cellsDiffering > 0 ? ' sim-diff' : ''}`} data-testid="compare-cells">
          {t('sim.compare.cells', { count: fmt.number(c.cellsDiffering) })}
        </div>
      </div>
      {same && <p data-testid="compare-same">{t('sim.compare.same')}</p>}
      {fields.length > 0 && (
        <>
          <h3>{t('sim.compare.fieldsHeading')}</h3>
          <table className="panel-table sim-table" data-testid="compare-fields">
            <thead>
              <tr>
                <th>{t('sim.compare.field')}</th>
                <th>{t('sim.compare.aHigher')}</th>
                <th>{t('sim.compare.bHigher')}</th>
                <th>{t('sim.compare.example')}</th>
              </tr>
            </thead>
            <tbody>
              {fields.map((f) => (
                <tr key={f.field} data-field={f.field}>
                  <td>{lang === 'zh' ? f.labelZh : f.labelEn}</td>
                  <td className={f.aHigher > 0 ? 'sim-diff' : ''}>{fmt.number(f.aHigher)}</td>
                  <td className={f.bHigher > 0 ? 'sim-diff' : ''}>{fmt.number(f.bHigher)}</td>
                  <td>
                    {f.example !== null && (
                      <span title={(lang === 'zh' ? f.example.whyZh : f.example.whyEn).map((x) => x.join(' ')).join('\n')}>
                        {f.example.customer}: A {cell(f.example.a)} · B {cell(f.example.b)}
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {c.actions.length > 0 && (
        <>
          <h3>{t('sim.compare.actionsHeading')}</h3>
          <table className="panel-table sim-table" data-testid="compare-actions">
            <thead>
              <tr>
                <th>{t('sim.compare.action')}</th>
                <th>{t('sim.compare.differing')}</th>
                <th>{t('sim.compare.example')}</th>
              </tr>
            </thead>
            <tbody>
              {c.actions.map((a) => (
                <tr key={a.action}>
                  <td>{t(`action.${a.action}`)}</td>
                  <td className="sim-diff">{fmt.number(a.differing)}</td>
                  <td>{a.example !== null && `${a.example[0]}: A ${t(`sim.effect.${a.example[1]}`)} · B ${t(`sim.effect.${a.example[2]}`)}`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
