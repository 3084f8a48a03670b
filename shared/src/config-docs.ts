import type { z } from 'zod';
import { configSchema } from './config.js';

const show = (v: unknown): string => {
  if (v && typeof v === 'object' && 'points' in v && 'duration' in v)
    return `${(v as { points: number }).points}/${(v as { duration: number }).duration}`;
  return v === undefined ? '' : String(v);
};

/** The default as an operator writes it: the raw value before a transform (seconds, not the parsed milliseconds). */
function rawDefault(schema: unknown): unknown {
  const def = (
    schema as {
      _zod?: { def?: { type?: string; in?: { _zod?: { def?: { type?: string; defaultValue?: unknown } } } } };
    }
  )._zod?.def;
  const inner = def?.type === 'pipe' ? def.in?._zod?.def : undefined;
  return inner?.type === 'default' ? inner.defaultValue : undefined;
}

/** A configuration table, generated from a schema (default: the services' shared one) so docs and code cannot drift. */
export function configTable(schema: z.ZodObject = configSchema): string {
  const defaults = schema.parse({}) as Record<string, unknown>;
  const rows = Object.entries(schema.shape).map(([key, schema]) => {
    const value = show(rawDefault(schema) ?? defaults[key]);
    return `| \`${key}\` | ${value === '' ? '(none)' : `\`${value}\``} | ${(schema as { description?: string }).description ?? ''} |`;
  });
  return ['| Variable | Default | Meaning |', '|---|---|---|', ...rows].join('\n');
}
