import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { parse } from 'yaml';
import { QueueKeys } from 'bullmq';
import { configSchema, loadConfig, type Config } from '#shared/config.js';
import { loadAdminConfig } from '#admin/config.js';
import { COMMENTS_QUEUE } from '#shared/queues.js';
import { WEBHOOKS_QUEUE } from '#shared/webhooks/queue.js';
import { ROOT } from '../support/processes.js';
import {
  K8S_DIR,
  describeManifest,
  loadKustomization,
  loadManifests,
  parseManifests,
  schemaErrors,
  selects,
  unknownFieldErrors,
  type K8sObject,
  type Manifest,
} from '../support/k8s.js';

/**
 * infra/k8s: every object valid for Kubernetes (schemas of kubernetes-models and KEDA, no unknown
 * field), and true to the product: real entry points, config keys, ports, queue keys and drain time.
 */

interface Probe {
  httpGet?: { path: string; port: number | string };
}
interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  ports?: Array<{ name?: string; containerPort: number }>;
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  env?: Array<{ name: string; value?: string }>;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  lifecycle?: { preStop?: { sleep?: { seconds: number } } };
  securityContext?: {
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    capabilities?: { drop?: string[] };
  };
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}
interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  volumes?: Array<{ name: string; secret?: { secretName: string } }>;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; seccompProfile?: { type: string } };
  terminationGracePeriodSeconds?: number;
  automountServiceAccountToken?: boolean;
}
interface Workload {
  object: K8sObject;
  podLabels: Record<string, string>;
  pod: PodSpec;
}

const manifests = loadManifests();
const kustomization = loadKustomization();
const objects = manifests.map((m) => m.object);
const ofKind = (kind: string) => objects.filter((o) => o.kind === kind);
const named = (kind: string, name: string): K8sObject | undefined =>
  objects.find((o) => o.kind === kind && o.metadata.name === name);
const spec = <T>(o: K8sObject): T => o.spec as T;

const workloads: Workload[] = objects
  .filter((o) => o.kind === 'Deployment' || o.kind === 'Job')
  .map((object) => {
    const template = spec<{ template: { metadata?: { labels?: Record<string, string> }; spec: PodSpec } }>(
      object,
    ).template;
    return { object, podLabels: template.metadata?.labels ?? {}, pod: template.spec };
  });
const allContainers = (w: Workload): Container[] => [...(w.pod.initContainers ?? []), ...w.pod.containers];

/** The TypeScript entry point a container runs: the image's `node services/x.js` is compiled from `services/x.ts`. */
function entryOf(c: Container): string {
  const [node, ...rest] = c.command ?? [];
  assert.equal(node, 'node', `${c.name} runs node`);
  const script = rest.find((a) => !a.startsWith('-'));
  const match = /^(services\/.+)\.js$/.exec(script ?? '');
  assert.ok(match?.[1], `${c.name} runs a compiled file of services/, not ${script}`);
  return `${match[1]}.ts`;
}
const API_ENTRY = 'services/api/src/main.ts';
const WORKER_ENTRY = 'services/worker/src/main.ts';
const ADMIN_ENTRY = 'services/admin/src/main.ts';
function workloadRunning(entry: string): { w: Workload; c: Container } {
  const found = workloads
    .flatMap((w) => w.pod.containers.map((c) => ({ w, c })))
    .filter(({ c }) => entryOf(c) === entry);
  assert.equal(found.length, 1, `exactly one container runs ${entry}`);
  return found[0]!;
}

const secretData = (o: K8sObject): Record<string, string> => ({
  ...Object.fromEntries(
    Object.entries((o.data ?? {}) as Record<string, string>).map(([k, v]) => [
      k,
      Buffer.from(v, 'base64').toString('utf8'),
    ]),
  ),
  ...((o.stringData ?? {}) as Record<string, string>),
});

/** The environment a container gets, and the files its `*_FILE` variables name (from mounted Secrets). */
function containerEnv(w: Workload, c: Container): { env: Record<string, string>; files: Record<string, string> } {
  const env: Record<string, string> = {};
  for (const from of c.envFrom ?? []) {
    if (from.configMapRef) {
      const cm = named('ConfigMap', from.configMapRef.name);
      assert.ok(cm, `${c.name}: ConfigMap ${from.configMapRef.name} exists`);
      Object.assign(env, cm.data);
    }
    if (from.secretRef) {
      const secret = named('Secret', from.secretRef.name);
      assert.ok(secret, `${c.name}: Secret ${from.secretRef.name} exists`);
      Object.assign(env, secretData(secret));
    }
  }
  for (const e of c.env ?? []) env[e.name] = e.value ?? '';
  const files: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (!key.endsWith('_FILE')) continue;
    const mount = (c.volumeMounts ?? []).find((m) => value.startsWith(`${m.mountPath}/`));
    assert.ok(mount, `${c.name}: ${key}=${value} is under a mounted volume`);
    const volume = (w.pod.volumes ?? []).find((v) => v.name === mount.name);
    assert.ok(volume?.secret, `${c.name}: ${key} comes from a Secret volume`);
    const secret = named('Secret', volume.secret.secretName);
    assert.ok(secret, `${c.name}: Secret ${volume.secret.secretName} exists`);
    const content = secretData(secret)[value.slice(mount.mountPath.length + 1)];
    assert.ok(content !== undefined, `${c.name}: ${key} names a key of Secret ${volume.secret.secretName}`);
    files[key] = content;
  }
  return { env, files };
}

/** loadConfig as the process would run it, with the Secret files written out; `fileOverrides` replaces their contents. */
function configOf(w: Workload, c: Container, fileOverrides: Record<string, string> = {}): Config {
  const { env, files } = containerEnv(w, c);
  const dir = mkdtempSync(path.join(tmpdir(), 'k8s-env-'));
  try {
    for (const [key, content] of Object.entries({ ...files, ...fileOverrides })) {
      const file = path.join(dir, key);
      writeFileSync(file, content);
      env[key] = file;
    }
    return loadConfig(env);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const realSecrets = { JWT_SECRET_FILE: randomBytes(48).toString('base64url') };

const portNumber = (c: Container, port: number | string): number => {
  if (typeof port === 'number') return port;
  const found = c.ports?.find((p) => p.name === port);
  assert.ok(found, `${c.name}: port ${port} is declared`);
  return found.containerPort;
};

describe('Kubernetes manifests: valid for the cluster', () => {
  it('when kubectl apply -k reads the kustomization, then it lists every manifest file and nothing else', () => {
    const files = readdirSync(K8S_DIR)
      .filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml')
      .sort();
    assert.deepEqual([...kustomization.resources].sort(), files);
    assert.ok(manifests.length >= 15, 'the manifests were read');
  });

  it('when each object is validated against the Kubernetes and KEDA schemas, then none has an error', async () => {
    const failures: string[] = [];
    for (const m of manifests) {
      for (const error of await schemaErrors(m.object)) failures.push(`${describeManifest(m)}: ${error}`);
    }
    assert.deepEqual(failures, []);
  });

  it('when each object is checked for fields its kind does not have, then there are none', () => {
    const failures = [...unknownFieldErrors(manifests)].flatMap(([at, errors]) =>
      errors.map((e) => `${describeManifest(manifests[at]!)}: ${e}`),
    );
    assert.deepEqual(failures, []);
  });

  it('when a manifest is broken, then the checks say where', async () => {
    const broken = (text: string): Manifest => parseManifests('broken.yaml', text)[0]!;
    const typo = broken(
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec:\n  selector: {matchLabels: {a: b}}\n' +
        '  template:\n    metadata: {labels: {a: b}}\n    spec:\n      containers:\n        - name: c\n          image: i\n          readinessprobe: {httpGet: {path: /readyz, port: 3000}}\n',
    );
    assert.deepEqual(await schemaErrors(typo.object), [], 'the schemas allow unknown fields');
    assert.match(
      unknownFieldErrors([typo]).get(0)?.join() ?? '',
      /'"readinessprobe"' does not exist in type 'IContainer'/,
    );

    const wrongType = broken(
      'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: x}\nspec: {maxUnavailable: 1, selector: {matchLabels: [a]}}\n',
    );
    assert.match((await schemaErrors(wrongType.object)).join(), /spec\/selector\/matchLabels must be object/);

    // YAML 1.1, as kubectl reads it: `on` is a boolean, and a ConfigMap holds only strings.
    const yaml11 = broken('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {RATE_LIMITS: on}\n');
    assert.match((await schemaErrors(yaml11.object)).join(), /data\/RATE_LIMITS must be string/);

    const kedaTypo = broken(
      'apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: x}\n' +
        'spec: {scaleTargetRef: {name: w}, triggers: [{type: redis, metadata: {listName: l}, authRef: {name: a}}]}\n',
    );
    assert.match(unknownFieldErrors([kedaTypo]).get(0)?.join() ?? '', /'"authRef"' does not exist/);

    const unknownKind = broken('apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: x}\n');
    assert.deepEqual(await schemaErrors(unknownKind.object), ['no schema for example.com/v1/Widget']);
    assert.throws(() => parseManifests('dup.yaml', 'kind: A\nkind: B\n'), /dup\.yaml#0/);
  });

  it("when objects are named, then no two of a kind share a name, and the namespace is the kustomization's", () => {
    const keys = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    assert.deepEqual(
      keys.filter((k, i) => keys.indexOf(k) !== i),
      [],
    );
    assert.ok(kustomization.namespace);
    assert.deepEqual(
      ofKind('Namespace').map((o) => o.metadata.name),
      [kustomization.namespace],
    );
    assert.deepEqual(
      objects.filter((o) => o.metadata.namespace !== undefined).map((o) => o.metadata.name),
      [],
      'the kustomization sets namespaces',
    );
  });

  it("when images are named, then every container runs this version of the service's image", () => {
    const version = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    assert.deepEqual(
      kustomization.images?.map((i) => [i.name, i.newTag]),
      [['newsroom-comments', version]],
    );
    for (const w of workloads) {
      for (const c of allContainers(w))
        assert.equal(c.image, `newsroom-comments:${version}`, `${w.object.metadata.name}/${c.name}`);
    }
  });
});

describe('Kubernetes manifests: true to the service', () => {
  it('when a container starts, then it runs an entry point that exists, the migration Job the real migrate command', () => {
    for (const w of workloads) {
      for (const c of allContainers(w))
        assert.ok(existsSync(path.join(ROOT, entryOf(c))), `${w.object.metadata.name}: ${entryOf(c)} exists`);
    }
    assert.equal(workloadRunning(API_ENTRY).w.object.kind, 'Deployment');
    assert.equal(workloadRunning(WORKER_ENTRY).w.object.kind, 'Deployment');
    const migrate = workloadRunning(ADMIN_ENTRY);
    assert.equal(migrate.w.object.kind, 'Job');
    // The same command as the Compose stack's one-shot migration.
    const compose = parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8')) as {
      services: { migrate: { command: string[] } };
    };
    assert.deepEqual([...(migrate.c.command ?? []), ...(migrate.c.args ?? [])], compose.services.migrate.command);
    assert.match(readFileSync(path.join(ROOT, ADMIN_ENTRY), 'utf8'), /command === 'migrate'/);
  });

  it('when the services and the migrations connect, then the services use the data-only role and only the migrate Job has the owner', () => {
    const userOf = (url: string | undefined) => (url ? decodeURIComponent(new URL(url).username) : undefined);
    for (const entry of [API_ENTRY, WORKER_ENTRY]) {
      const { w, c } = workloadRunning(entry);
      const { env } = containerEnv(w, c);
      assert.equal(userOf(env.DATABASE_URL), 'comments_app', `${entry} connects as the data-only role`);
      assert.equal(env.MIGRATION_DATABASE_URL, undefined, `${entry} has no owner connection`);
    }
    const { w, c } = workloadRunning(ADMIN_ENTRY);
    assert.equal(userOf(containerEnv(w, c).env.MIGRATION_DATABASE_URL), 'comments_owner');
    // The roles are the ones the Compose stack's script creates.
    assert.match(readFileSync(path.join(ROOT, 'infra/postgres/init-roles.sql'), 'utf8'), /CREATE ROLE comments_app /);
  });

  it('when the ConfigMap and Secrets become the environment, then every key is a configuration variable', () => {
    const known = new Set(Object.keys(configSchema.shape));
    const used = new Set<string>();
    for (const w of workloads) {
      for (const c of allContainers(w)) {
        for (const from of c.envFrom ?? []) {
          const source = from.configMapRef
            ? named('ConfigMap', from.configMapRef.name)
            : named('Secret', from.secretRef?.name ?? '');
          assert.ok(source, `${c.name}: ${JSON.stringify(from)} exists`);
          for (const key of Object.keys(source.kind === 'Secret' ? secretData(source) : (source.data as object)))
            used.add(key);
        }
        for (const e of c.env ?? []) used.add(e.name);
      }
    }
    assert.deepEqual(
      [...used].filter((k) => !known.has(k)),
      [],
    );
    assert.ok(used.has('DATABASE_URL') && used.has('REDIS_URL') && used.has('JWT_SECRET_FILE'));
  });

  it('when the placeholder secrets are applied unchanged, then every process that signs tokens refuses to start (the migrations sign none); with real ones, every value parses', () => {
    for (const w of workloads) {
      for (const c of allContainers(w)) {
        if (entryOf(c) === ADMIN_ENTRY) {
          assert.equal(
            loadAdminConfig(containerEnv(w, c).env).NODE_ENV,
            'production',
            `${c.name} with the placeholder`,
          );
          continue;
        }
        assert.throws(
          () => configOf(w, c),
          /JWT_SECRET: set a random secret in production/,
          `${c.name} with the placeholder`,
        );
        const config = configOf(w, c, realSecrets);
        assert.equal(config.NODE_ENV, 'production');
        assert.equal(config.JWT_SECRET, realSecrets.JWT_SECRET_FILE);
      }
    }
  });

  it('when Postgres and Redis are outside the cluster, then the URLs name the ExternalName Services, and KEDA authenticates as the app does', () => {
    const { w, c } = workloadRunning(WORKER_ENTRY);
    const config = configOf(w, c, realSecrets);
    for (const url of [new URL(config.DATABASE_URL), new URL(config.REDIS_URL)]) {
      const service = named('Service', url.hostname);
      assert.ok(service, `a Service named ${url.hostname}`);
      const s = spec<{ type: string; externalName: string; ports: Array<{ port: number }> }>(service);
      assert.equal(s.type, 'ExternalName');
      assert.ok(s.externalName.length > 0);
      assert.deepEqual(
        s.ports.map((p) => p.port),
        [Number(url.port)],
      );
    }
    const auth = named('TriggerAuthentication', 'comments-redis-auth');
    assert.ok(auth);
    for (const ref of spec<{ secretTargetRef: Array<{ parameter: string; name: string; key: string }> }>(auth)
      .secretTargetRef) {
      assert.equal(ref.parameter, 'password');
      const secret = named('Secret', ref.name);
      assert.ok(secret, `Secret ${ref.name}`);
      assert.equal(
        secretData(secret)[ref.key],
        decodeURIComponent(new URL(config.REDIS_URL).password),
        'the same Redis password',
      );
    }
  });

  it("when the kubelet probes the pods, then it asks the real ports: the API's PORT, the worker's WORKER_METRICS_PORT; the containers declare the ports their processes listen on", () => {
    const expected = [
      { entry: API_ENTRY, port: (cfg: Config) => cfg.PORT, readiness: '/readyz', liveness: '/healthz' },
      {
        entry: WORKER_ENTRY,
        port: (cfg: Config) => cfg.WORKER_METRICS_PORT,
        readiness: '/readyz',
        liveness: '/healthz',
      },
    ];
    for (const e of expected) {
      const { w, c } = workloadRunning(e.entry);
      const port = e.port(configOf(w, c, realSecrets));
      assert.equal(c.readinessProbe?.httpGet?.path, e.readiness, `${c.name} readiness`);
      assert.equal(c.livenessProbe?.httpGet?.path, e.liveness, `${c.name} liveness`);
      for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe]) {
        if (probe?.httpGet) assert.equal(portNumber(c, probe.httpGet.port), port, `${c.name} probes port ${port}`);
      }
      const cfg = configOf(w, c, realSecrets);
      assert.deepEqual(
        c.ports?.map((p) => p.containerPort),
        // The API's live-update streams over h2c listen on their own port when LIVE_H2C_PORT is set.
        e.entry === API_ENTRY ? [port, cfg.LIVE_H2C_PORT, cfg.API_METRICS_PORT] : [port],
      );
    }
  });

  it('when Prometheus scrapes the API, then it asks API_METRICS_PORT, which no Service exposes and only the cluster may reach', () => {
    const { w, c } = workloadRunning(API_ENTRY);
    const cfg = configOf(w, c, realSecrets);
    assert.notEqual(cfg.API_METRICS_PORT, cfg.PORT);
    assert.ok(cfg.API_METRICS_PORT > 0);
    const pod = spec<{ template: { metadata: { annotations?: Record<string, string> } } }>(w.object).template.metadata;
    assert.equal(Number(pod.annotations?.['prometheus.io/port']), cfg.API_METRICS_PORT);
    for (const s of ofKind('Service')) {
      const sp = spec<{ selector?: Record<string, string>; ports?: Array<{ targetPort: number | string }> }>(s);
      if (!sp.selector || !selects(sp.selector, w.podLabels)) continue;
      for (const p of sp.ports ?? [])
        assert.notEqual(portNumber(c, p.targetPort), cfg.API_METRICS_PORT, `Service ${s.metadata.name}`);
    }
    const policies = ofKind('NetworkPolicy').map((n) =>
      spec<{
        podSelector: { matchLabels?: Record<string, string> };
        ingress?: Array<{ from?: unknown[]; ports?: Array<{ port: number | string }> }>;
      }>(n),
    );
    const apiRules = policies
      .filter((np) => np.podSelector.matchLabels && selects(np.podSelector.matchLabels, w.podLabels))
      .flatMap((np) => np.ingress ?? []);
    const metricsRules = apiRules.filter((r) => r.ports?.some((p) => portNumber(c, p.port) === cfg.API_METRICS_PORT));
    assert.ok(metricsRules.length > 0, 'the metrics port is admitted');
    for (const r of metricsRules) assert.ok(r.from && r.from.length > 0, 'from the cluster only, not from anywhere');
  });

  it('when a gateway sends live streams over HTTP/2, then a Service port marked h2c reaches LIVE_H2C_PORT, which the policy admits', () => {
    const { w, c } = workloadRunning(API_ENTRY);
    const cfg = configOf(w, c, realSecrets);
    assert.ok(cfg.LIVE_H2C_PORT > 0 && cfg.LIVE_H2C_PORT !== cfg.PORT);
    const h2c = ofKind('Service').flatMap((svc) => {
      const sp = spec<{
        selector?: Record<string, string>;
        ports?: Array<{ targetPort: number | string; appProtocol?: string }>;
      }>(svc);
      if (!sp.selector || !selects(sp.selector, w.podLabels)) return [];
      return (sp.ports ?? []).filter((p) => portNumber(c, p.targetPort) === cfg.LIVE_H2C_PORT);
    });
    assert.equal(h2c.length, 1, 'one Service port reaches LIVE_H2C_PORT');
    assert.equal(h2c[0]!.appProtocol, 'kubernetes.io/h2c');
    const admitted = ofKind('NetworkPolicy')
      .map((n) =>
        spec<{
          podSelector: { matchLabels?: Record<string, string> };
          ingress?: Array<{ ports?: Array<{ port: number | string }> }>;
        }>(n),
      )
      .filter((np) => np.podSelector.matchLabels && selects(np.podSelector.matchLabels, w.podLabels))
      .flatMap((np) => np.ingress ?? [])
      .some((r) => r.ports?.some((p) => portNumber(c, p.port) === cfg.LIVE_H2C_PORT));
    assert.ok(admitted, 'the network policy admits LIVE_H2C_PORT');
  });

  it('when a pod is told to stop, then its grace period outlasts the preStop pause plus SHUTDOWN_TIMEOUT_MS', () => {
    for (const entry of [API_ENTRY, WORKER_ENTRY]) {
      const { w, c } = workloadRunning(entry);
      const drainS = configOf(w, c, realSecrets).SHUTDOWN_TIMEOUT_MS / 1000;
      const pauseS = c.lifecycle?.preStop?.sleep?.seconds ?? 0;
      const grace = w.pod.terminationGracePeriodSeconds ?? 30;
      assert.ok(grace > pauseS + drainS, `${w.object.metadata.name}: ${grace} s > ${pauseS} s + ${drainS} s`);
    }
    // The API leaves the load balancers before it stops accepting.
    assert.ok((workloadRunning(API_ENTRY).c.lifecycle?.preStop?.sleep?.seconds ?? 0) >= 3);
  });

  it('when the scheduler places a container, then it has CPU and memory requests and a memory limit', () => {
    for (const w of workloads) {
      for (const c of allContainers(w)) {
        assert.ok(
          c.resources?.requests?.cpu && c.resources.requests.memory,
          `${w.object.metadata.name}/${c.name} requests`,
        );
        assert.ok(c.resources.limits?.memory, `${w.object.metadata.name}/${c.name} memory limit`);
      }
    }
  });

  it('when a pod runs, then it meets the restricted Pod Security Standard its namespace enforces', () => {
    assert.equal(ofKind('Namespace')[0]?.metadata.labels?.['pod-security.kubernetes.io/enforce'], 'restricted');
    for (const w of workloads) {
      const name = w.object.metadata.name;
      const pod = w.pod.securityContext;
      assert.equal(pod?.runAsNonRoot, true, name);
      // The image's user is a name (`node`): the kubelet can check runAsNonRoot only against a number.
      assert.ok(Number.isInteger(pod?.runAsUser) && (pod?.runAsUser ?? 0) > 0, `${name} numeric runAsUser`);
      assert.equal(pod?.seccompProfile?.type, 'RuntimeDefault', name);
      assert.equal(w.pod.automountServiceAccountToken, false, name);
      for (const c of allContainers(w)) {
        assert.equal(c.securityContext?.allowPrivilegeEscalation, false, `${name}/${c.name}`);
        assert.equal(c.securityContext?.readOnlyRootFilesystem, true, `${name}/${c.name}`);
        assert.deepEqual(c.securityContext?.capabilities?.drop, ['ALL'], `${name}/${c.name}`);
        assert.ok(
          c.volumeMounts?.some((m) => m.mountPath === '/tmp'),
          `${name}/${c.name} has a writable /tmp`,
        );
      }
    }
  });

  it('when the worker is scaled on queue depth, then KEDA reads the real BullMQ wait lists on the redis Service', () => {
    const { w, c } = workloadRunning(WORKER_ENTRY);
    const config = configOf(w, c, realSecrets);
    const keys = new QueueKeys(config.QUEUE_PREFIX);
    const scaled = ofKind('ScaledObject');
    assert.equal(scaled.length, 1);
    const s = spec<{
      scaleTargetRef: { name: string; kind?: string };
      minReplicaCount: number;
      triggers: Array<{ type: string; metadata: Record<string, string>; authenticationRef?: { name: string } }>;
    }>(scaled[0]!);
    assert.equal(s.scaleTargetRef.name, w.object.metadata.name);
    assert.equal(s.scaleTargetRef.kind ?? 'Deployment', 'Deployment');
    assert.deepEqual(
      s.triggers.map((t) => t.metadata.listName),
      [keys.toKey(COMMENTS_QUEUE, 'wait'), keys.toKey(WEBHOOKS_QUEUE, 'wait')],
    );
    assert.equal(keys.toKey(COMMENTS_QUEUE, 'wait'), '{comments}:comments:wait');
    const redisUrl = new URL(config.REDIS_URL);
    for (const t of s.triggers) {
      assert.equal(t.type, 'redis');
      assert.ok(Number(t.metadata.listLength) > 0);
      // KEDA's operator runs in its own namespace, so the address is the Service's full name.
      assert.equal(
        t.metadata.address,
        `${redisUrl.hostname}.${kustomization.namespace}.svc.cluster.local:${redisUrl.port}`,
      );
      assert.ok(named('TriggerAuthentication', t.authenticationRef?.name ?? ''), 'its TriggerAuthentication exists');
    }
    assert.ok(s.minReplicaCount >= 2);
    // KEDA owns the worker's autoscaler; a second one would fight it.
    assert.deepEqual(
      ofKind('HorizontalPodAutoscaler').map((h) => spec<{ scaleTargetRef: { name: string } }>(h).scaleTargetRef.name),
      [workloadRunning(API_ENTRY).w.object.metadata.name],
    );
  });

  it('when the API is scaled on CPU, then its autoscaler keeps two or more and the Deployments leave the count to the autoscalers', () => {
    const hpa = spec<{
      scaleTargetRef: { kind: string; name: string };
      minReplicas: number;
      metrics: Array<{ type: string; resource?: { name: string } }>;
    }>(ofKind('HorizontalPodAutoscaler')[0]!);
    assert.equal(hpa.scaleTargetRef.kind, 'Deployment');
    assert.ok(hpa.minReplicas >= 2);
    assert.deepEqual(
      hpa.metrics.map((m) => [m.type, m.resource?.name]),
      [['Resource', 'cpu']],
    );
    for (const d of ofKind('Deployment'))
      assert.equal(
        spec<{ replicas?: number }>(d).replicas,
        undefined,
        `${d.metadata.name}: apply would reset the autoscaler's count`,
      );
  });

  it('when a node is drained, then every Deployment has a PodDisruptionBudget that selects its pods and only them', () => {
    const deployments = workloads.filter((w) => w.object.kind === 'Deployment');
    const pdbs = ofKind('PodDisruptionBudget');
    for (const d of deployments) {
      const covering = pdbs.filter((p) =>
        selects(spec<{ selector: { matchLabels: Record<string, string> } }>(p).selector.matchLabels, d.podLabels),
      );
      assert.equal(covering.length, 1, `${d.object.metadata.name} has one PodDisruptionBudget`);
      assert.equal(spec<{ maxUnavailable?: number }>(covering[0]!).maxUnavailable, 1);
    }
    for (const p of pdbs) {
      const matchLabels = spec<{ selector: { matchLabels: Record<string, string> } }>(p).selector.matchLabels;
      assert.equal(
        workloads.filter((w) => selects(matchLabels, w.podLabels)).length,
        1,
        `${p.metadata.name} selects one workload`,
      );
    }
    for (const d of deployments) {
      const selector = spec<{ selector: { matchLabels: Record<string, string> } }>(d.object).selector.matchLabels;
      assert.ok(selects(selector, d.podLabels), `${d.object.metadata.name}'s selector matches its template`);
      assert.equal(
        workloads.filter((w) => selects(selector, w.podLabels)).length,
        1,
        `${d.object.metadata.name}'s selector is its own`,
      );
    }
  });

  it('when a Service or NetworkPolicy selects pods, then they exist and have the ports it names', () => {
    const services = ofKind('Service').filter((s) => spec<{ type?: string }>(s).type !== 'ExternalName');
    assert.ok(services.length >= 2);
    for (const s of services) {
      const sp = spec<{ selector: Record<string, string>; ports: Array<{ targetPort: number | string }> }>(s);
      const targets = workloads.filter((w) => w.object.kind === 'Deployment' && selects(sp.selector, w.podLabels));
      assert.equal(targets.length, 1, `Service ${s.metadata.name} selects one Deployment`);
      for (const p of sp.ports) portNumber(targets[0]!.pod.containers[0]!, p.targetPort);
    }
    // The workers' metrics stay scrapable while an outage makes them unready.
    const workerMetrics = services.filter((s) =>
      selects(spec<{ selector: Record<string, string> }>(s).selector, workloadRunning(WORKER_ENTRY).w.podLabels),
    );
    assert.deepEqual(
      workerMetrics.map((s) => spec<{ publishNotReadyAddresses?: boolean }>(s).publishNotReadyAddresses),
      [true],
    );
    for (const n of ofKind('NetworkPolicy')) {
      const np = spec<{
        podSelector: { matchLabels?: Record<string, string> };
        ingress?: Array<{ ports?: Array<{ port: number | string }> }>;
      }>(n);
      if (!np.podSelector.matchLabels) continue;
      const targets = workloads.filter((w) => selects(np.podSelector.matchLabels, w.podLabels));
      assert.equal(targets.length, 1, `NetworkPolicy ${n.metadata.name} selects one workload`);
      for (const rule of np.ingress ?? [])
        for (const p of rule.ports ?? []) portNumber(targets[0]!.pod.containers[0]!, p.port);
    }
  });
});
