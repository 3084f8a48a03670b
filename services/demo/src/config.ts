import { z } from 'zod';
import { type Config, environmentOf, int, loadConfig, parseEnvironment, signingSecret } from '#shared/config.js';

/** The demo publisher's own settings (the shared ones — database, log level, host — come from `#shared/config`). */
export const demoConfigSchema = z.object({
  DEMO_PORT: int(8080).describe('Port of the demo publisher (`services/demo`), a sample article page with the widget.'),
  DEMO_API_URL: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe(
      "The comment service's address as readers' browsers reach it; the demo page loads `embed.js` from there. Default: `http://localhost:<PORT>`.",
    ),
  DEMO_PUBLIC_URL: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe(
      "The demo publisher's own address as browsers reach it; registered as the demo site's origin (in development with its other loopback name too: `localhost` and `127.0.0.1`). Default: `http://localhost:<DEMO_PORT>`.",
    ),
  DEMO_SITE_ID: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/)
    .default('demo')
    .describe('Site the demo publisher creates (if missing) and embeds.'),
  DEMO_SSO_SECRET: z
    .string()
    .min(32)
    .optional()
    .describe(
      "SSO secret the demo publisher signs its readers' tokens with; set on the demo site at start-up. Required unless NODE_ENV=development (then a published development value); held to the same strength as JWT_SECRET.",
    ),
  DEMO_SSO_SECRET_FILE: z
    .string()
    .optional()
    .describe('A file holding DEMO_SSO_SECRET (Compose generates one). Used when DEMO_SSO_SECRET is not set.'),
});

/** Development-only SSO secret of the demo site, published here: accepted only with NODE_ENV=development. */
export const DEV_DEMO_SSO_SECRET = 'demo-only-sso-secret-not-for-production-0123';

export type DemoConfig = Config &
  Omit<z.infer<typeof demoConfigSchema>, 'DEMO_SSO_SECRET' | 'DEMO_API_URL' | 'DEMO_PUBLIC_URL'> & {
    DEMO_SSO_SECRET: string;
    DEMO_API_URL: string;
    DEMO_PUBLIC_URL: string;
  };

/** The shared configuration plus the demo's; throws a readable message naming every bad key. */
export function loadDemoConfig(env: NodeJS.ProcessEnv = process.env): DemoConfig {
  const shared = loadConfig(env);
  const demo = parseEnvironment(demoConfigSchema, environmentOf(env, ['DEMO_SSO_SECRET']));
  const ssoSecret = signingSecret('DEMO_SSO_SECRET', demo.DEMO_SSO_SECRET, shared.NODE_ENV, DEV_DEMO_SSO_SECRET);
  return {
    ...shared,
    ...demo,
    DEMO_SSO_SECRET: ssoSecret,
    // Unset, the addresses follow the ports, so moving either port needs no second setting.
    DEMO_API_URL: demo.DEMO_API_URL ?? `http://localhost:${shared.PORT}`,
    DEMO_PUBLIC_URL: demo.DEMO_PUBLIC_URL ?? `http://localhost:${demo.DEMO_PORT}`,
  };
}

/**
 * The origin and, for a loopback address, the same with the other loopback name: a developer
 * opens `localhost` or `127.0.0.1` without thinking, and both are the same page.
 */
export function withLoopbackTwin(origin: string): string[] {
  const url = new URL(origin);
  const twin = url.hostname === 'localhost' ? '127.0.0.1' : url.hostname === '127.0.0.1' ? 'localhost' : null;
  if (twin === null) return [url.origin];
  const other = new URL(url.origin);
  other.hostname = twin;
  return [url.origin, other.origin];
}
