import { configPage } from './config-page.js';

// `npm run docs:config > docs/configuration.md`: prints the configuration page (the services', then the demo publisher's).
process.stdout.write(configPage());
