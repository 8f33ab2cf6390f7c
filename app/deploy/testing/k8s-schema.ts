// Offline validation of Kubernetes manifests against the API's OpenAPI schemas, as compiled by
// kubernetes-models (the built-in kinds: apps/v1, v1, networking.k8s.io/v1, …) and
// @kubernetes-models/prometheus-operator (ServiceMonitor, PrometheusRule and the operator's other
// CRDs). No cluster, kubectl or network: it runs in `npm test`.
//
// The schemas alone accept fields they do not name (Kubernetes' OpenAPI leaves additional
// properties open), so a misspelt `readinesProbe` would pass. The API server refuses those
// (kubectl's --validate=strict, the default); to refuse them here too, the validator runs over a
// copy of the document that records which keys it reads, and a key it never read is one the
// schema does not know.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as prometheusOperator from '@kubernetes-models/prometheus-operator';
import * as kubernetes from 'kubernetes-models';
import { parseAllDocuments } from 'yaml';

/** A model class: its static type meta and a validate() that throws on a schema violation. */
interface ModelClass {
  readonly apiVersion: string;
  readonly kind: string;
  readonly prototype: { validate(): void };
}

const isModelClass = (value: unknown): value is ModelClass =>
  typeof value === 'function' && typeof (value as Partial<ModelClass>).apiVersion === 'string' && typeof (value as Partial<ModelClass>).kind === 'string';

/** Every model class of the packages, by "apiVersion kind", found by walking their namespaces. */
function modelsOf(...namespaces: object[]): Map<string, ModelClass> {
  const models = new Map<string, ModelClass>();
  const walk = (ns: object) => {
    for (const value of Object.values(ns)) {
      if (isModelClass(value)) models.set(`${value.apiVersion} ${value.kind}`, value);
      else if (value !== null && typeof value === 'object') walk(value);
    }
  };
  namespaces.forEach(walk);
  return models;
}

const models = modelsOf(kubernetes, prometheusOperator);

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * A copy of `value` whose objects record, in `read`, the path of each key the validator reads;
 * `present` gets the path of every key there is.
 */
function watched(value: unknown, path: string, read: Set<string>, present: string[]): unknown {
  if (Array.isArray(value)) return value.map((item, i) => watched(item, `${path}/${i}`, read, present));
  if (!isPlainObject(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    present.push(`${path}/${key}`);
    copy[key] = watched(item, `${path}/${key}`, read, present);
  }
  return new Proxy(copy, {
    get(target, key, receiver) {
      if (typeof key === 'string' && Object.hasOwn(target, key)) read.add(`${path}/${key}`);
      return Reflect.get(target, key, receiver);
    },
  });
}

/** What is wrong with one manifest document: [] when it is a valid object of a known kind. */
export function manifestProblems(document: unknown): string[] {
  if (!isPlainObject(document)) return ['not a mapping'];
  const { apiVersion, kind, metadata } = document;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return ['apiVersion and kind must be strings'];
  const model = models.get(`${apiVersion} ${kind}`);
  if (!model) return [`no schema for apiVersion ${apiVersion}, kind ${kind} (unknown kind, or an API version Kubernetes no longer serves)`];

  const problems: string[] = [];
  // kubectl apply needs a name; the schema allows generateName instead, which apply refuses.
  if (!isPlainObject(metadata) || typeof metadata.name !== 'string' || metadata.name === '') problems.push('metadata.name is missing');
  const read = new Set<string>();
  const present: string[] = [];
  try {
    model.prototype.validate.call(watched(document, '', read, present));
  } catch (err) {
    problems.push((err as Error).message);
  }
  // A key under one the validator never read belongs to an unknown field already reported.
  const unknown = present.filter((p) => !read.has(p));
  for (const p of unknown) {
    if (!unknown.some((parent) => p.startsWith(`${parent}/`))) problems.push(`data${p} is not a field of ${kind} ${apiVersion}`);
  }
  return problems;
}

/** The problems of every document of a YAML file, each prefixed with "<label> #<n> <kind>/<name>". */
export function fileProblems(text: string, label: string): string[] {
  const problems: string[] = [];
  parseAllDocuments(text).forEach((doc, i) => {
    const at = `${label} #${i + 1}`;
    if (doc.errors.length > 0) {
      problems.push(...doc.errors.map((e) => `${at}: ${e.message}`));
      return;
    }
    const object: unknown = doc.toJS();
    if (object === null || object === undefined) return; // an empty document (a trailing ---)
    const name = isPlainObject(object) ? `${String(object.kind)}/${String((object.metadata as { name?: unknown } | undefined)?.name)}` : '';
    problems.push(...manifestProblems(object).map((p) => `${at} ${name}: ${p}`));
  });
  return problems;
}

/** The YAML files under `dir`, in its sub-folders too, sorted. */
export function manifestFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => join(dir, f))
    .sort();
}

/** The problems of every document of a file on disk. */
export function manifestFileProblems(file: string, label = file): string[] {
  return fileProblems(readFileSync(file, 'utf8'), label);
}
