import type { z } from 'zod';
import { ValidationError } from './app-error.js';

/** Parses input with a schema or throws a 400 listing each problem by field. */
export function parse<S extends z.ZodType>(schema: S, input: unknown, what = 'request'): z.infer<S> {
  const res = schema.safeParse(input ?? {});
  if (res.success) return res.data;
  const details = res.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const first = details[0];
  throw new ValidationError(
    first ? `invalid ${what}: ${first.path || 'body'}: ${first.message}` : `invalid ${what}`,
    details,
  );
}
