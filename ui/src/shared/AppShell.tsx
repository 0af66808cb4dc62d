import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

import { LanguageSwitch } from './LanguageSwitch';
import { Logo } from './Logo';
import { ThemeToggle } from './ThemeToggle';

export type Section = 'matrix' | 'overview' | 'simulator' | 'org' | 'catalog';

export const SECTIONS: readonly Section[] = ['matrix', 'overview', 'simulator', 'org', 'catalog'];

/**
 * The frame every screen sits in: header (brand, sections, workspace, language, theme), the
 * main area, and a status bar. Screens are its children; `section` says which one is shown.
 */
export function AppShell({
  children,
  statusBar,
  section,
  tools,
}: {
  children: ReactNode;
  statusBar: ReactNode;
  section: Section;
  /** Extra header controls (the workspace switcher). */
  tools?: ReactNode;
}) {
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
          {SECTIONS.map((s) => (
            <a key={s} href={`#${s}`} aria-current={section === s ? 'page' : undefined} data-testid={`nav-${s}`}>
              {t(`nav.${s}`)}
            </a>
          ))}
        </nav>
        <div className="header-tools">
          {tools}
          <LanguageSwitch />
          <ThemeToggle />
        </div>
      </header>
      <main className={`app-main app-main-${section}`} id="main" tabIndex={-1}>
        {children}
      </main>
      {statusBar}
    </div>
  );
}
