import type { Lang } from './i18n.js';

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86400],
  ['month', 30 * 86400],
  ['week', 7 * 86400],
  ['day', 86400],
  ['hour', 3600],
  ['minute', 60],
];

/** "3 minutes ago" / "il y a 3 minutes", and the full date for the tooltip. */
export function timeTexts(lang: Lang): { relative(iso: string, now?: number): string; full(iso: string): string } {
  const rtf = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
  const dtf = new Intl.DateTimeFormat(lang, { dateStyle: 'full', timeStyle: 'short' });
  return {
    relative(iso, now = Date.now()) {
      const seconds = Math.round((Date.parse(iso) - now) / 1000);
      for (const [unit, size] of UNITS) {
        if (Math.abs(seconds) >= size) return rtf.format(Math.round(seconds / size), unit);
      }
      return rtf.format(0, 'second');
    },
    full: (iso) => dtf.format(new Date(iso)),
  };
}
