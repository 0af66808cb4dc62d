import { useTranslation } from 'react-i18next';

import { LANGUAGE_NAMES, LANGUAGES, currentLanguage, setLanguage } from '../i18n';

/** A two-way switch between the UI languages, each named in itself. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  // Re-read on every render: `useTranslation` re-renders us when the language changes.
  const active = i18n.resolvedLanguage === undefined ? 'en' : currentLanguage();
  return (
    <div className="segmented" role="group" aria-label={t('header.language')}>
      {LANGUAGES.map((lng) => (
        <button
          key={lng}
          type="button"
          lang={lng === 'zh' ? 'zh-CN' : 'en'}
          aria-pressed={active === lng}
          onClick={() => {
            setLanguage(lng);
          }}
          data-testid={`language-${lng}`}
        >
          {LANGUAGE_NAMES[lng]}
        </button>
      ))}
    </div>
  );
}
