import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { freePort, runAdmin } from '../support/processes.js';
import { spawnWorkerProcess, type WorkerProcess } from '../support/worker-process.js';
import { waitFor } from '../support/wait-for.js';
import { loadManifests, type K8sObject } from '../support/k8s.js';

/** What the Kubernetes manifests ask of the processes, asked of the real ones. */

interface Container {
  command?: string[];
  args?: string[];
  readinessProbe?: { httpGet?: { path: string } };
  livenessProbe?: { httpGet?: { path: string } };
  startupProbe?: { httpGet?: { path: string } };
}
const objects = loadManifests().map((m) => m.object);
const containerOf = (o: K8sObject): Container => {
  const containers = (o.spec as { template: { spec: { containers: Container[] } } }).template.spec.containers;
  assert.equal(containers.length, 1);
  return containers[0]!;
};
/** The container whose command runs the compiled form of `entry` (after node's own options). */
const running = (entry: string): Container => {
  const found = objects
    .filter((o) => o.kind === 'Deployment' || o.kind === 'Job')
    .map(containerOf)
    .filter((c) => c.command?.slice(1).find((a) => !a.startsWith('-')) === entry.replace(/\.ts$/, '.js'));
  assert.equal(found.length, 1, `one container runs ${entry}`);
  return found[0]!;
};
const probePaths = (c: Container): string[] =>
  [c.readinessProbe, c.livenessProbe, c.startupProbe].flatMap((p) => (p?.httpGet ? [p.httpGet.path] : []));

describe('Kubernetes manifests against the real processes', () => {
  let env: TestEnv;
  let api: TestApi;
  let worker: WorkerProcess | undefined;

  before(async () => {
    env = await createTestEnv();
    api = await startTestApi(env);
  });
  after(async () => {
    await worker?.stop();
    await api?.close();
    await env?.close();
  });

  it('when the kubelet probes an API pod, then each probe path answers 200', async () => {
    const paths = probePaths(running('services/api/src/main.ts'));
    assert.ok(paths.includes('/readyz') && paths.includes('/healthz'));
    for (const path of paths) assert.equal((await request(api.app).get(path)).status, 200, path);
  });

  it('when the kubelet probes a worker pod, then each probe path of the worker process answers 200', {
    timeout: 60_000,
  }, async () => {
    const paths = probePaths(running('services/worker/src/main.ts'));
    assert.ok(paths.includes('/readyz') && paths.includes('/healthz'));
    const port = await freePort();
    worker = spawnWorkerProcess(env, 'k8s-probes', { WORKER_METRICS_PORT: String(port), HOST: '127.0.0.1' });
    const proc = worker;
    for (const path of paths) {
      const res = await waitFor(
        async () => {
          const r = await fetch(`http://127.0.0.1:${port}${path}`).catch(() => null);
          return r?.status === 200 ? r : null;
        },
        { what: `the worker's ${path}`, timeoutMs: 20_000 },
      ).catch((err: Error) => assert.fail(`${err.message}\n${proc.stderr()}`));
      await res.body?.cancel();
    }
  });

  it('when the migration Job runs its command, then the admin CLI migrates and exits 0', async () => {
    const c = running('services/admin/src/main.ts');
    const command = [...(c.command ?? []), ...(c.args ?? [])];
    const args = command.slice(command.indexOf('services/admin/src/main.js') + 1);
    assert.deepEqual(args, ['migrate']);
    const result = await runAdmin(env.childEnv, args);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), { migrated: true });
  });
});
