/**
 * "New fields to review": fields some role has not decided yet. Such a field is hidden from
 * every role that has not decided it (default deny) and stays here until every role has.
 */
import { useTranslation } from 'react-i18next';

import type { MatrixModel } from './model';

export function ReviewList({ model, version, onShow, onClose }: { model: MatrixModel; version: number; onShow: (field: number) => void; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const zh = i18n.resolvedLanguage === 'zh';
  const fields = model.fieldsToReview();
  return (
    <aside className="side-panel review-panel" aria-labelledby="review-title" data-testid="review-panel" data-version={version}>
      <header className="side-panel-header">
        <div>
          <h2 id="review-title">{t('review.title')}</h2>
          <p className="side-panel-meta">{t('review.explain')}</p>
        </div>
        <button type="button" className="icon-button" onClick={onClose} aria-label={t('review.close')} title={t('review.close')}>
          ×
        </button>
      </header>
      {fields.length === 0 ? (
        <p data-testid="review-empty">{t('review.none')}</p>
      ) : (
        <ul className="review-list">
          {fields.map((f) => {
            const field = model.fields[f];
            if (field === undefined) return null;
            const object = model.objects.find((o) => o.id === field.object);
            return (
              <li key={field.id} data-testid="review-item" data-field={field.id}>
                <div>
                  <strong>{zh ? field.labelZh : field.labelEn}</strong>
                  <span className="review-meta">
                    {object === undefined ? field.object : zh ? object.nameZh : object.nameEn} · {t(`sensitivity.${field.sensitivity}`)} ·{' '}
                    {t('review.undecidedRoles', { count: model.undecided[f] ?? 0 })}
                  </span>
                </div>
                <button type="button" className="button button-quiet" onClick={() => { onShow(f); }} data-testid={`review-show-${field.id}`}>
                  {t('review.show')}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </aside>
  );
}
