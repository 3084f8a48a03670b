import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import ts from 'typescript';
import { ROOT } from './processes.js';

/** The Kubernetes manifests, applied with `kubectl apply -k infra/k8s`. */
export const K8S_DIR = path.join(ROOT, 'infra/k8s');

/** A Kubernetes object as parsed from YAML: only the shape every object shares is typed. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

/** One YAML document of one manifest file. */
export interface Manifest {
  file: string;
  index: number;
  object: K8sObject;
}

export interface Kustomization {
  namespace?: string;
  resources: string[];
  images?: Array<{ name: string; newName?: string; newTag?: string }>;
}

export const describeManifest = (m: Manifest): string =>
  `${m.file}#${m.index} (${m.object.kind} ${m.object.metadata?.name ?? '?'})`;

/**
 * YAML as kubectl reads it: YAML 1.1, so `on`/`yes` are booleans and `0440` is octal, as they
 * would be in the cluster. Duplicate keys and syntax errors throw.
 */
export function parseManifests(file: string, text: string): Manifest[] {
  const docs = parseAllDocuments(text, { version: '1.1', uniqueKeys: true });
  if (!Array.isArray(docs)) return [];
  return docs.flatMap((doc, index) => {
    if (doc.errors.length > 0) throw new Error(`${file}#${index}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const object = doc.toJS() as K8sObject | null;
    return object === null ? [] : [{ file, index, object }];
  });
}

export function loadKustomization(dir = K8S_DIR): Kustomization {
  return parse(readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8'), { version: '1.1' }) as Kustomization;
}

/** Every object the kustomization applies, in the order it lists the files. */
export function loadManifests(dir = K8S_DIR): Manifest[] {
  return loadKustomization(dir).resources.flatMap((file) =>
    parseManifests(file, readFileSync(path.join(dir, file), 'utf8')),
  );
}

/** Where the model (schema and TypeScript type) of an apiVersion/kind lives, if a package has it. */
function modelModule(o: K8sObject): { specifier: string; typeName: string } | null {
  if (typeof o.apiVersion !== 'string' || typeof o.kind !== 'string') return null;
  if (!/^([a-z0-9.-]+\/)?v[0-9a-z]+$/.test(o.apiVersion) || !/^[A-Za-z]+$/.test(o.kind)) return null;
  const pkg = o.apiVersion.startsWith('keda.sh/') ? '@kubernetes-models/keda' : 'kubernetes-models';
  const specifier = `${pkg}/${o.apiVersion}/${o.kind}`;
  const file = path.join(ROOT, 'node_modules', `${specifier}.d.ts`);
  return existsSync(file) ? { specifier, typeName: `I${o.kind}` } : null;
}

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: unknown) => Validatable;

/**
 * Validates an object against the JSON schema of its apiVersion/kind (kubernetes-models, generated
 * from the Kubernetes OpenAPI document and KEDA's CRDs): types, required fields, enums, formats.
 */
export async function schemaErrors(o: K8sObject): Promise<string[]> {
  const model = modelModule(o);
  if (!model) return [`no schema for ${o.apiVersion}/${o.kind}`];
  const mod = (await import(model.specifier)) as Record<string, ModelClass | undefined>;
  const Model = mod[o.kind];
  if (!Model) return [`${model.specifier} has no ${o.kind}`];
  try {
    new Model(o).validate();
    return [];
  } catch (err) {
    return [(err as Error).message];
  }
}

/**
 * Unknown fields, which the JSON schemas allow (Kubernetes' OpenAPI document does not close its
 * objects) and the API server drops or refuses: each object is type-checked as an object literal of
 * its model's TypeScript type, so TypeScript's excess-property check names any field the type lacks.
 * Returns the errors of each manifest, keyed by its position in `manifests`.
 */
export function unknownFieldErrors(manifests: Manifest[]): Map<number, string[]> {
  const sources = new Map<string, { at: number; text: string }>();
  const errors = new Map<number, string[]>();
  manifests.forEach((m, at) => {
    const model = modelModule(m.object);
    if (!model) {
      errors.set(at, [`no type for ${m.object.apiVersion}/${m.object.kind}`]);
      return;
    }
    const text =
      `import type { ${model.typeName} } from '${model.specifier}';\n` +
      `export const manifest: ${model.typeName} = ${JSON.stringify(m.object, null, 2)};\n`;
    sources.set(path.join(K8S_DIR, `.strict-check-${at}.ts`), { at, text });
  });
  if (sources.size === 0) return errors;

  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    lib: ['lib.es2022.d.ts'],
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (fileName, languageVersion, ...rest) => {
    const virtual = sources.get(path.resolve(fileName));
    return virtual
      ? ts.createSourceFile(fileName, virtual.text, languageVersion)
      : getSourceFile.call(host, fileName, languageVersion, ...rest);
  };
  host.fileExists = (fileName) => sources.has(path.resolve(fileName)) || fileExists.call(host, fileName);
  host.readFile = (fileName) => sources.get(path.resolve(fileName))?.text ?? readFile.call(host, fileName);

  const program = ts.createProgram([...sources.keys()], options, host);
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const virtual = diagnostic.file && sources.get(path.resolve(diagnostic.file.fileName));
    if (!virtual || !diagnostic.file) continue;
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
    const where = virtual.text.split('\n')[line]?.trim() ?? '';
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
    errors.set(virtual.at, [...(errors.get(virtual.at) ?? []), `${message} (at ${where})`]);
  }
  return errors;
}

/** True when every label the selector asks for is on the labels. An empty selector selects nothing here. */
export const selects = (
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
): boolean =>
  !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);
