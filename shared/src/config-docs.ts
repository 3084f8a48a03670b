import { configSchema, loadConfig } from './config.js';

const show = (v: unknown): string => {
  if (v && typeof v === 'object' && 'points' in v && 'duration' in v) return `${(v as { points: number }).points}/${(v as { duration: number }).duration}`;
  return v === undefined ? '' : String(v);
};

/** The default as an operator writes it: the raw value before a transform (seconds, not the parsed milliseconds). */
function rawDefault(schema: unknown): unknown {
  const def = (schema as { _zod?: { def?: { type?: string; in?: { _zod?: { def?: { type?: string; defaultValue?: unknown } } } } } })._zod?.def;
  const inner = def?.type === 'pipe' ? def.in?._zod?.def : undefined;
  return inner?.type === 'default' ? inner.defaultValue : undefined;
}

/** The README's configuration table, generated from the schema so the two cannot drift. */
export function configTable(): string {
  const defaults = loadConfig({}) as Record<string, unknown>;
  const rows = Object.entries(configSchema.shape).map(([key, schema]) => {
    const value = show(rawDefault(schema) ?? defaults[key]);
    return `| \`${key}\` | ${value === '' ? '(none)' : `\`${value}\``} | ${(schema as { description?: string }).description ?? ''} |`;
  });
  return ['| Variable | Default | Meaning |', '|---|---|---|', ...rows].join('\n');
}
