import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import { App } from './App';
import { initI18n } from './i18n';
import './styles.css';

async function start(): Promise<void> {
  // Vite replaces MODE at build time, so the production bundle drops this branch and the
  // mock module with it (checked by tests/ui).
  if (import.meta.env.MODE === 'mock') {
    const { installMockBackend } = await import('./lib/backend/mock');
    installMockBackend(new URLSearchParams(window.location.search));
  }
  initI18n();
  const root = document.getElementById('root');
  if (root === null) throw new Error('index.html has no #root element');
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}

void start();
