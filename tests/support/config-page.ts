import { configTable } from '#shared/config-docs.js';
import { demoConfigSchema } from '#demo/config.js';

/** docs/configuration.md as generated from the schemas (the services', then the demo publisher's). */
export function configPage(): string {
  return `# Configuration

Environment variables only, parsed and validated once at start-up (\`shared/src/config.ts\`); a bad value stops
the process with a message naming it. This page is generated from the schemas
(\`npm run docs:config > docs/configuration.md\`), and a test fails when it is stale. The settings that matter for
security are explained in [security.md](security.md).

${configTable()}

The demo publisher (\`services/demo\`) reads these as well:

${configTable(demoConfigSchema)}
`;
}
