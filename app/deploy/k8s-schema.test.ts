// Every manifest Surge ships is checked offline against the Kubernetes schemas (and the
// prometheus-operator CRDs): each document under deploy/k8s/, its sub-folders included, and the
// example Secret. The second part proves the check refuses what the API server would.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { fileProblems, manifestFileProblems, manifestFiles, manifestProblems } from './testing/k8s-schema.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const k8sDir = `${root}deploy/k8s/`;
const shipped = [...manifestFiles(k8sDir), `${root}deploy/secret.example.yaml`];
const relative = (file: string) => file.slice(root.length);

describe('the shipped manifests', () => {
  it('include the ConfigMap, the gateway and at least one service', () => {
    const names = shipped.map(relative);
    expect(names).toEqual(expect.arrayContaining(['deploy/k8s/configmap.yaml', 'deploy/k8s/gateway.yaml', 'deploy/k8s/user.yaml', 'deploy/secret.example.yaml']));
  });

  it.each(shipped.map(relative))('%s validates against the schema of each of its kinds', (file) => {
    expect(manifestFileProblems(`${root}${file}`, file)).toEqual([]);
  });
});

describe('the validator', () => {
  // A real manifest to break: the gateway's Deployment.
  const gateway = () => parseAllDocuments(readFileSync(`${k8sDir}gateway.yaml`, 'utf8')).map((d) => d.toJS() as Record<string, any>);
  const deployment = () => gateway().find((d) => d.kind === 'Deployment')!;

  it('passes the untouched gateway Deployment and Service', () => {
    expect(gateway().map(manifestProblems)).toEqual([[], []]);
  });

  it('refuses a field of the wrong type', () => {
    const d = deployment();
    d.spec.replicas = '2';
    d.spec.template.spec.containers[0].ports[0].containerPort = '8080';
    expect(manifestProblems(d)).toEqual([
      expect.stringContaining('data/spec/replicas must be integer'),
    ]);
    expect(manifestProblems(d)[0]).toContain('data/spec/template/spec/containers/0/ports/0/containerPort must be integer');
  });

  it('refuses an unknown kind and an API version no longer served', () => {
    expect(manifestProblems({ ...deployment(), kind: 'Deploymnet' })).toEqual([expect.stringMatching(/^no schema for apiVersion apps\/v1, kind Deploymnet/)]);
    expect(manifestProblems({ ...deployment(), apiVersion: 'extensions/v1beta2' })).toEqual([expect.stringMatching(/^no schema for apiVersion extensions\/v1beta2/)]);
  });

  it('refuses a field the schema does not name, once at its top', () => {
    const d = deployment();
    d.spec.replica = 2;
    d.spec.template.spec.containers[0].readinesProbe = { httpGet: { path: '/readyz', port: 'http' } };
    expect(manifestProblems(d)).toEqual([
      'data/spec/template/spec/containers/0/readinesProbe is not a field of Deployment apps/v1',
      'data/spec/replica is not a field of Deployment apps/v1',
    ]);
  });

  it('refuses a missing required field and a missing name', () => {
    const d = deployment();
    delete d.spec.template.spec.containers[0].name;
    delete d.metadata.name;
    expect(manifestProblems(d)).toEqual(['metadata.name is missing', expect.stringContaining('data/spec/template/spec/containers/0 must have required property')]);
  });

  it('knows the prometheus-operator CRDs: a ServiceMonitor and a PrometheusRule pass, a broken one does not', () => {
    const monitor = {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: 'surge', labels: { app: 'surge' } },
      spec: { selector: { matchLabels: { app: 'surge' } }, endpoints: [{ port: 'ops', path: '/metrics', interval: '15s' }] },
    };
    const rule = {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: 'surge' },
      spec: { groups: [{ name: 'surge', rules: [{ alert: 'SurgeDown', expr: 'up == 0', for: '5m', labels: { severity: 'page' } }] }] },
    };
    expect(manifestProblems(monitor)).toEqual([]);
    expect(manifestProblems(rule)).toEqual([]);
    expect(manifestProblems({ ...monitor, spec: { ...monitor.spec, endpoints: 'ops' } })).toEqual([expect.stringContaining('data/spec/endpoints must be array')]);
  });

  it('labels problems by file, document and object, and reports YAML that does not parse', () => {
    const text = `${readFileSync(`${k8sDir}gateway.yaml`, 'utf8')}\n---\napiVersion: v1\nkind: Service\nmetadata: { name: extra }\nspec: { ports: [{ port: "80" }] }\n---\n`;
    expect(fileProblems(text, 'x.yaml')).toEqual([expect.stringMatching(/^x\.yaml #3 Service\/extra: data\/spec\/ports\/0\/port must be integer/)]);
    expect(fileProblems('kind: [unclosed', 'bad.yaml')).toEqual([expect.stringMatching(/^bad\.yaml #1: /)]);
  });

  it('reads what the ConfigMap carries as data without judging it (surge.yaml is checked by k8s.test.ts)', () => {
    const configMap = parse(readFileSync(`${k8sDir}configmap.yaml`, 'utf8')) as Record<string, any>;
    expect(manifestProblems({ ...configMap, data: { 'surge.yaml': 1 } })).toEqual([expect.stringContaining('data/data/surge.yaml must be string')]);
  });
});
