import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

import { LOCALES, isLanguage } from '../i18n';

/** Number, percent and date formatting in the UI language. */
export function useFormat() {
  const { i18n } = useTranslation();
  const lng = i18n.resolvedLanguage;
  return useMemo(() => {
    const locale = isLanguage(lng) ? LOCALES[lng] : LOCALES.en;
    const number = new Intl.NumberFormat(locale);
    const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
    const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
    return {
      number: (n: number) => number.format(n),
      percent: (fraction: number) => percent.format(fraction),
      date: (iso: string) => {
        const d = new Date(iso);
        return Number.isNaN(d.getTime()) ? iso : date.format(d);
      },
    };
  }, [lng]);
}
