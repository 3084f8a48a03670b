import { createLogger } from '#shared/logger.js';
import { handleShutdown } from '#shared/shutdown.js';

// A process that shuts down with the shared helper. argv[2] picks its closers:
// `orderly` (three that finish), `failing` (the first throws), `hanging` (one never finishes).
const mode = process.argv[2];
const logger = createLogger({ level: 'info', service: 'shutdown-test' });
const step = (name: string) => async () => {
  process.stdout.write(`step ${name}\n`);
  if (mode === 'failing' && name === 'stop') throw new Error('stop failed');
  if (mode === 'hanging' && name === 'drain') await new Promise(() => undefined);
};
// Work the process is doing: without closers that end it, it would run forever.
setInterval(() => undefined, 60_000);
handleShutdown({
  logger,
  timeoutMs: mode === 'hanging' ? 200 : 60_000,
  messages: { starting: 'test draining', timedOut: 'test timed out', stopped: 'test stopped' },
  closers: [step('stop'), step('drain'), step('close')],
});
process.stdout.write('ready\n');
