import { useTranslation } from 'react-i18next';

import type { BackendError } from '../lib/backend';
import { ErrorIcon, WarningIcon } from './Icons';

/**
 * A backend error, readable: what it means (translated from its code), the code itself for
 * support, and the engine's own message. `preconditionFailed` is a warning, not a failure.
 */
export function ErrorNotice({ error, title, onRetry }: { error: BackendError; title?: string; onRetry?: () => void }) {
  const { t } = useTranslation();
  const warning = error.isWarning;
  return (
    <section className={warning ? 'notice notice-warning' : 'notice notice-error'} role="alert" data-testid="error-notice" data-code={error.code}>
      <h2 className="notice-title">
        {warning ? <WarningIcon /> : <ErrorIcon />}
        {title ?? (warning ? t('errors.warningTitle') : t('errors.title'))}
      </h2>
      <p className="notice-meaning">{t(`errors.codes.${error.code}`)}</p>
      <dl className="notice-facts">
        <div>
          <dt>{t('errors.code')}</dt>
          <dd>
            <code data-testid="error-code">{error.code}</code>
          </dd>
        </div>
        <div>
          <dt>{t('errors.details')}</dt>
          <dd>
            <code data-testid="error-message" className="notice-message">
              {error.message}
            </code>
          </dd>
        </div>
      </dl>
      {onRetry && (
        <button type="button" className="button" onClick={onRetry}>
          {t('errors.retry')}
        </button>
      )}
    </section>
  );
}
