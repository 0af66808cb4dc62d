/**
 * Translations: Simplified Chinese and English, switchable at run time.
 * The first start follows the system language (Chinese for any `zh*` locale, else English);
 * a choice made in the header is remembered.
 */
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';

import { en } from './en';
import { zh } from './zh';

export const LANGUAGES = ['zh', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language named in itself, so anyone can find their own. */
export const LANGUAGE_NAMES: Record<Language, string> = { zh: '中文', en: 'English' };

/** The BCP 47 tag used for `<html lang>` and for number and date formatting. */
export const LOCALES: Record<Language, string> = { zh: 'zh-CN', en: 'en-US' };

export const resources = {
  en: { translation: en },
  zh: { translation: zh },
} as const;

const STORAGE_KEY = 'permgrid.language';

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** The remembered choice, else the first system language we have, else English. */
export function detectLanguage(stored: string | null, preferred: readonly string[]): Language {
  if (isLanguage(stored)) return stored;
  const first = preferred[0]?.toLowerCase() ?? '';
  return first === 'zh' || first.startsWith('zh-') ? 'zh' : 'en';
}

function storage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}

function systemLanguages(): readonly string[] {
  if (typeof navigator === 'undefined') return [];
  return navigator.languages.length > 0 ? navigator.languages : [navigator.language];
}

function applyToDocument(lng: Language): void {
  if (typeof document !== 'undefined') document.documentElement.lang = LOCALES[lng];
}

/** Initialises i18next once; resources are bundled, so this is synchronous. */
export function initI18n(lng: Language = detectLanguage(storage()?.getItem(STORAGE_KEY) ?? null, systemLanguages())): typeof i18n {
  if (!i18n.isInitialized) {
    void i18n.use(initReactI18next).init({
      resources,
      lng,
      fallbackLng: 'en',
      supportedLngs: LANGUAGES,
      interpolation: { escapeValue: false },
      initAsync: false,
    });
    i18n.on('languageChanged', (changed) => {
      if (isLanguage(changed)) applyToDocument(changed);
    });
  }
  applyToDocument(lng);
  return i18n;
}

/** Switches the language and remembers the choice. */
export function setLanguage(lng: Language): void {
  try {
    storage()?.setItem(STORAGE_KEY, lng);
  } catch {
    // A full or disabled storage only costs the memory of the choice.
  }
  void i18n.changeLanguage(lng);
}

export function currentLanguage(): Language {
  return isLanguage(i18n.resolvedLanguage) ? i18n.resolvedLanguage : 'en';
}
