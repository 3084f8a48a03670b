import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { loadConfigOrExit } from '#shared/config.js';
import { migrate } from './migrate.js';
import { migrationUrlOf } from '#shared/db/pool.js';
import { PACKAGE_ROOT } from '#shared/package-root.js';

// `npm start`: migrate, then run one API, one worker and the demo publisher until SIGINT/SIGTERM.
const config = loadConfigOrExit();
await migrate(migrationUrlOf(config), (msg) => process.stderr.write(`${msg}\n`));

const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
// The API's `/` links the demo this runs (its address as the demo derives it, unless set).
const demoUrl =
  process.env.DEMO_URL || process.env.DEMO_PUBLIC_URL || `http://localhost:${process.env.DEMO_PORT || 8080}`;
const children: ChildProcess[] = ['api', 'worker', 'demo'].map((service) =>
  spawn(process.execPath, [...process.execArgv, path.join(PACKAGE_ROOT, `services/${service}/src/main.${ext}`)], {
    stdio: 'inherit',
    env: { ...process.env, DEMO_URL: demoUrl },
  }),
);

let exiting = false;
const stopAll = (signal: NodeJS.Signals) => {
  exiting = true;
  for (const c of children) if (c.exitCode === null) c.kill(signal);
};
process.on('SIGINT', () => stopAll('SIGTERM'));
process.on('SIGTERM', () => stopAll('SIGTERM'));
let remaining = children.length;
for (const c of children) {
  c.on('exit', (code) => {
    if (!exiting) {
      process.stderr.write(`a service exited (code ${code}); stopping the others\n`);
      process.exitCode = code ?? 1;
      stopAll('SIGTERM');
    }
    if (--remaining === 0) process.exit(process.exitCode ?? 0);
  });
}
