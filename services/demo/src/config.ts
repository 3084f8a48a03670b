import { z } from 'zod';
import { type Config, environmentOf, int, loadConfig, parseEnvironment, signingSecret } from '#shared/config.js';

/** The demo publisher's own settings (the shared ones — database, log level, host — come from `#shared/config`). */
export const demoConfigSchema = z.object({
  DEMO_PORT: int(8080).describe('Port of the demo publisher (`services/demo`), a sample article page with the widget.'),
  DEMO_API_URL: z
    .url({ protocol: /^https?$/ })
    .default('http://localhost:3000')
    .describe(
      "The comment service's address as readers' browsers reach it; the demo page loads `embed.js` from there.",
    ),
  DEMO_PUBLIC_URL: z
    .url({ protocol: /^https?$/ })
    .default('http://localhost:8080')
    .describe("The demo publisher's own address as browsers reach it; registered as the demo site's origin."),
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
  Omit<z.infer<typeof demoConfigSchema>, 'DEMO_SSO_SECRET'> & { DEMO_SSO_SECRET: string };

/** The shared configuration plus the demo's; throws a readable message naming every bad key. */
export function loadDemoConfig(env: NodeJS.ProcessEnv = process.env): DemoConfig {
  const shared = loadConfig(env);
  const demo = parseEnvironment(demoConfigSchema, environmentOf(env, ['DEMO_SSO_SECRET']));
  const ssoSecret = signingSecret('DEMO_SSO_SECRET', demo.DEMO_SSO_SECRET, shared.NODE_ENV, DEV_DEMO_SSO_SECRET);
  return { ...shared, ...demo, DEMO_SSO_SECRET: ssoSecret };
}
