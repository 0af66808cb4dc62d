import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

import type { Summary } from '../lib/backend';
import { useFormat } from '../shared/format';

type Tone = 'normal' | 'attention' | 'good';

function Stat({ id, label, value, hint, tone = 'normal', children }: { id: string; label: string; value: string; hint?: string; tone?: Tone; children?: ReactNode }) {
  return (
    <div className={`stat stat-${tone}`} data-testid={`stat-${id}`}>
      <dt className="stat-label">{label}</dt>
      <dd className="stat-value" data-testid={`stat-${id}-value`}>
        {value}
      </dd>
      {children}
      {hint !== undefined && <dd className="stat-hint">{hint}</dd>}
    </div>
  );
}

function Section({ id, title, wide = false, children }: { id: string; title: string; wide?: boolean; children: ReactNode }) {
  return (
    <section className={wide ? 'stat-section stat-section-wide' : 'stat-section'} aria-labelledby={`section-${id}`}>
      <h3 id={`section-${id}`}>{title}</h3>
      <dl className="stat-grid">{children}</dl>
    </section>
  );
}

/** What a workspace holds, grouped as the administrator thinks of it. */
export function SummaryCards({ summary }: { summary: Summary }) {
  const { t } = useTranslation();
  const f = useFormat();
  const decided = summary.cellsTotal === 0 ? 1 : summary.cells / summary.cellsTotal;
  return (
    <div className="stat-sections">
      <Section id="org" title={t('workspace.sections.org')}>
        <Stat id="departments" label={t('workspace.stats.departments')} value={f.number(summary.departments)} />
        <Stat id="employees" label={t('workspace.stats.employees')} value={f.number(summary.employees)} />
        <Stat id="roles" label={t('workspace.stats.roles')} value={f.number(summary.roles)} />
      </Section>
      <Section id="catalog" title={t('workspace.sections.catalog')}>
        <Stat id="objects" label={t('workspace.stats.objects')} value={f.number(summary.objects)} />
        <Stat id="fields" label={t('workspace.stats.fields')} value={f.number(summary.fields)} />
      </Section>
      <Section id="customers" title={t('workspace.sections.customers')}>
        <Stat id="customers" label={t('workspace.stats.customers')} value={f.number(summary.customers)} />
        <Stat id="tiers" label={t('workspace.stats.tiers')} value={f.number(summary.tiers)} />
      </Section>
      <Section id="matrix" title={t('workspace.sections.matrix')} wide>
        <Stat
          id="cells"
          label={t('workspace.stats.cells')}
          value={t('workspace.stats.cellsOf', { cells: f.number(summary.cells), total: f.number(summary.cellsTotal) })}
          hint={t('workspace.stats.cellsHint', { percent: f.percent(decided) })}
          tone={decided >= 1 ? 'good' : 'normal'}
        >
          <dd className="stat-meter">
            <meter min={0} max={1} value={decided} aria-label={t('workspace.stats.cells')} />
          </dd>
        </Stat>
        <Stat
          id="fields-to-review"
          label={t('workspace.stats.fieldsToReview')}
          value={f.number(summary.fieldsToReview)}
          hint={summary.fieldsToReview > 0 ? t('workspace.stats.fieldsToReviewHint') : t('workspace.stats.noneToReview')}
          tone={summary.fieldsToReview > 0 ? 'attention' : 'good'}
        />
        <Stat id="policies" label={t('workspace.stats.policies')} value={f.number(summary.policies)} hint={t('workspace.stats.policiesHint')} />
        <Stat id="guardrails" label={t('workspace.stats.guardrails')} value={f.number(summary.guardrails)} />
        <Stat id="grants" label={t('workspace.stats.grants')} value={f.number(summary.grants)} />
      </Section>
    </div>
  );
}
