import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

import { LanguageSwitch } from './LanguageSwitch';
import { Logo } from './Logo';
import { ThemeToggle } from './ThemeToggle';

/**
 * The frame every screen sits in: header (brand, sections, language, theme), the main area,
 * and a status bar. Screens (overview now; matrix, simulator, org, audit, bundles later) are
 * its children and add themselves to the section navigation.
 */
export function AppShell({ children, statusBar }: { children: ReactNode; statusBar: ReactNode }) {
  const { t } = useTranslation();
  return (
    <div className="app">
      <header className="app-header">
        <div className="brand">
          <Logo />
          <span className="brand-name">permgrid</span>
          <span className="brand-tagline">{t('app.tagline')}</span>
        </div>
        <nav className="app-nav" aria-label={t('nav.label')}>
          <a href="#overview" aria-current="page">
            {t('nav.overview')}
          </a>
        </nav>
        <div className="header-tools">
          <LanguageSwitch />
          <ThemeToggle />
        </div>
      </header>
      <main className="app-main" id="overview" tabIndex={-1}>
        {children}
      </main>
      {statusBar}
    </div>
  );
}
