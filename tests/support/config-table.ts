import { configTable } from '#shared/config-docs.js';
import { demoConfigSchema } from '#demo/config.js';

// `npm run docs:config`: prints the configuration tables (the services', then the demo publisher's).
process.stdout.write(
  `${configTable()}\n\nThe demo publisher (\`services/demo\`) reads these as well:\n\n${configTable(demoConfigSchema)}\n`,
);
