import { useTranslation } from 'react-i18next';

import { useTheme } from './theme';

/** Shows the current theme and switches to the other; its accessible name says what it will do. */
export function ThemeToggle() {
  const { t } = useTranslation();
  const { theme, toggle } = useTheme();
  const dark = theme === 'dark';
  return (
    <button
      type="button"
      className="header-button"
      onClick={toggle}
      aria-label={dark ? t('header.themeToLight') : t('header.themeToDark')}
      title={dark ? t('header.themeToLight') : t('header.themeToDark')}
      data-testid="theme-toggle"
    >
      <span aria-hidden="true" className="header-button-icon">
        {dark ? '☾' : '☀'}
      </span>
      <span>{dark ? t('header.themeDark') : t('header.themeLight')}</span>
    </button>
  );
}
