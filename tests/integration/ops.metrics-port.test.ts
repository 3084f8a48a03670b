import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { exited, freePort, startService } from '../support/processes.js';
import { waitFor } from '../support/wait-for.js';

let env: TestEnv;
let api: ReturnType<typeof startService>;
let publicBase: string;
let metricsBase: string;

before(async () => {
  env = await createTestEnv();
  const port = await freePort();
  const metricsPort = await freePort();
  publicBase = `http://127.0.0.1:${port}`;
  metricsBase = `http://127.0.0.1:${metricsPort}`;
  api = startService('services/api/src/main.ts', {
    ...env.childEnv,
    HOST: '127.0.0.1',
    PORT: String(port),
    API_METRICS_PORT: String(metricsPort),
  });
  await waitFor(async () => (await fetch(`${publicBase}/readyz`).catch(() => null))?.status === 200, {
    what: 'the API',
    timeoutMs: 90_000,
  });
});
after(async () => {
  api.kill('SIGTERM');
  await exited(api);
  await env.close();
});

describe("the API's metrics", () => {
  it('when /metrics is asked on the public port, then 404; on API_METRICS_PORT, then the Prometheus text', async () => {
    for (const path of ['/metrics', '/METRICS', '/metrics/']) {
      const res = await fetch(`${publicBase}${path}`);
      assert.equal(res.status, 404, path);
      assert.doesNotMatch(await res.text(), /process_cpu|nodejs_|http_request_duration/);
    }
    const res = await fetch(`${metricsBase}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
    assert.match(await res.text(), /http_request_duration_seconds_count/);
    assert.equal((await fetch(`${metricsBase}/readyz`)).status, 404, 'the metrics port serves nothing else');
  });

  it('when the API stops, then the metrics port closes with it', async () => {
    api.kill('SIGTERM');
    assert.equal(await exited(api), 0, api.output());
    assert.equal(
      await fetch(`${metricsBase}/metrics`).then(
        () => 'open',
        () => 'closed',
      ),
      'closed',
    );
  });
});
