import { configTable } from '../../shared/src/config-docs.js';

// `npm run docs:config`: prints the configuration table to paste into the README.
process.stdout.write(`${configTable()}\n`);
