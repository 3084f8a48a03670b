import { configSchema, loadConfig } from './config.js';

const show = (v: unknown): string => {
  if (v && typeof v === 'object' && 'points' in v && 'duration' in v) return `${(v as { points: number }).points}/${(v as { duration: number }).duration}`;
  return v === undefined ? '' : String(v);
};

/** The README's configuration table, generated from the schema so the two cannot drift. */
export function configTable(): string {
  const defaults = loadConfig({}) as Record<string, unknown>;
  const rows = Object.entries(configSchema.shape).map(([key, schema]) =>
    `| \`${key}\` | ${show(defaults[key]) === '' ? '(none)' : `\`${show(defaults[key])}\``} | ${(schema as { description?: string }).description ?? ''} |`);
  return ['| Variable | Default | Meaning |', '|---|---|---|', ...rows].join('\n');
}
