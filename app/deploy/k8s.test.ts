// The Kubernetes manifests come from the module list: the committed deploy/k8s/ files are what a
// fresh render gives (so a module added without `npm run manifests` fails here), and what renders
// is a Deployment + Service per process with every field the hand-written manifests had.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { manifestDrift } from '../roles/manifests.js';
import { loadModules } from '../modules.js';
import { clusterSettings, GENERATED_HEADER, renderManifests } from './k8s.js';

const serviceModules = await loadModules();

const dir = fileURLToPath(new URL('../../deploy/k8s/', import.meta.url));
const configMap = readFileSync(`${dir}configmap.yaml`, 'utf8');

/** The configmap with these lines added under rpc: (surge.yaml's rpc section is last in the file). */
const withRpc = (...lines: string[]) => `${configMap.trimEnd()}\n${lines.map((l) => `      ${l}`).join('\n')}\n`;

// Loose shapes of what the test reads back from the rendered YAML.
interface Port {
  name: string;
  containerPort?: number;
  port?: number;
  targetPort?: string;
}
interface Container {
  name: string;
  image: string;
  command: string[];
  env: { name: string; value?: string; valueFrom?: { fieldRef: { fieldPath: string } } }[];
  envFrom: { secretRef: { name: string } }[];
  ports: Port[];
  readinessProbe: { httpGet: { path: string; port: string } };
  livenessProbe: { httpGet: { path: string; port: string } };
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
}
interface Deployment {
  kind: 'Deployment';
  metadata: { name: string; labels: Record<string, string> };
  spec: {
    replicas: number;
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string>; annotations: Record<string, string> };
      spec: { terminationGracePeriodSeconds: number; containers: Container[]; volumes: { name: string; configMap?: { name: string }; secret?: { secretName: string } }[] };
    };
  };
}
interface Service {
  kind: 'Service';
  metadata: { name: string };
  spec: { selector: Record<string, string>; ports: Port[] };
}

function parsed(text: string): { deployment: Deployment; service: Service; container: Container } {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) throw new Error('no YAML documents');
  for (const doc of docs) expect(doc.errors).toEqual([]);
  const [deployment, service] = docs.map((d) => d.toJS()) as [Deployment, Service];
  expect([deployment.kind, service.kind]).toEqual(['Deployment', 'Service']);
  return { deployment, service, container: deployment.spec.template.spec.containers[0]! };
}

describe('deploy/k8s', () => {
  it('holds exactly what a fresh render of the module list gives (else: npm run manifests)', () => {
    const { stale, orphans } = manifestDrift(dir, serviceModules);
    expect([...stale.keys()], 'deploy/k8s/ differs from the module list: run `npm run manifests` and commit the result').toEqual([]);
    expect(orphans, 'generated manifests of processes no longer in the list: run `npm run manifests`').toEqual([]);
  });

  it('renders a Deployment and a Service for every module of the list and the gateway, marked generated', () => {
    const files = renderManifests(serviceModules, clusterSettings(configMap));
    expect([...files.keys()]).toEqual([...serviceModules.map((m) => `${m.name}.yaml`), 'gateway.yaml']);
    for (const text of files.values()) expect(text.split('\n')[0]).toBe(GENERATED_HEADER);
  });

  it('gives each service the fields the hand-written manifests had: ports, pod IP, probes, scraping, config, resources', () => {
    const files = renderManifests(serviceModules, clusterSettings(configMap));
    for (const m of serviceModules) {
      const { deployment, service, container } = parsed(files.get(`${m.name}.yaml`)!);
      const labels = { app: 'surge', component: m.name };
      expect(deployment.metadata).toEqual({ name: `surge-${m.name}`, labels });
      expect(deployment.spec.replicas).toBe(2);
      expect(deployment.spec.selector.matchLabels).toEqual(labels);
      expect(deployment.spec.template.metadata).toEqual({ labels, annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9100' } });
      expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBe(30);
      expect(container.name).toBe(m.name);
      expect(container.image).toBe(m.name === 'video' ? 'surge-video:latest' : 'surge:latest');
      expect(container.command).toEqual(['node', 'dist/app/cli.js', 'serve', m.name]);
      expect(container.env).toEqual([
        { name: 'SURGE_CONFIG', value: '/etc/surge/surge.yaml' },
        { name: 'SURGE__rpc__advertiseHost', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      ]);
      expect(container.envFrom).toEqual([{ secretRef: { name: 'surge-secrets' } }]);
      expect(container.ports).toEqual([
        { name: 'framed', containerPort: 7100 },
        { name: 'grpc', containerPort: 7200 },
        { name: 'ops', containerPort: 9100 },
      ]);
      expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'ops' });
      expect(container.livenessProbe.httpGet).toEqual({ path: '/livez', port: 'ops' });
      expect(container.resources).toEqual(
        m.name === 'video' ? { requests: { cpu: '1', memory: '384Mi' }, limits: { cpu: '2', memory: '1Gi' } } : { requests: { cpu: '500m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
      );
      expect(container.volumeMounts).toEqual([{ name: 'config', mountPath: '/etc/surge' }]);
      expect(deployment.spec.template.spec.volumes).toEqual([{ name: 'config', configMap: { name: 'surge-config' } }]);
      expect(service.metadata.name).toBe(`surge-${m.name}`);
      expect(service.spec.selector).toEqual(labels);
      expect(service.spec.ports).toEqual([
        { name: 'grpc', port: 7200, targetPort: 'grpc' },
        { name: 'ops', port: 9100, targetPort: 'ops' },
      ]);
    }
  });

  it('gives the gateway its API port behind a Service on 80, probes on the API port and its ops page scraped on 9100', () => {
    const { deployment, service, container } = parsed(renderManifests(serviceModules, clusterSettings(configMap)).get('gateway.yaml')!);
    expect(container.command).toEqual(['node', 'dist/app/cli.js', 'gateway']);
    expect(container.env).toEqual([{ name: 'SURGE_CONFIG', value: '/etc/surge/surge.yaml' }]);
    expect(container.ports).toEqual([
      { name: 'http', containerPort: 8080 },
      { name: 'ops', containerPort: 9100 },
    ]);
    expect([container.readinessProbe.httpGet, container.livenessProbe.httpGet]).toEqual([
      { path: '/readyz', port: 'http' },
      { path: '/livez', port: 'http' },
    ]);
    expect(deployment.spec.template.metadata.annotations['prometheus.io/port']).toBe('9100');
    expect(service.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http' }]);
  });

  it('takes its ports from the ConfigMap, and mounts the TLS Secret in every pod when rpc.tls is on there', () => {
    const tls = clusterSettings(withRpc('tls: { enabled: true, ca: /etc/surge/tls/ca.crt, cert: /etc/surge/tls/tls.crt, key: /etc/surge/tls/tls.key }'));
    for (const [file, text] of renderManifests(serviceModules, { ...tls, framedPort: 7101 })) {
      const { deployment, container } = parsed(text);
      expect(container.volumeMounts, file).toEqual([
        { name: 'config', mountPath: '/etc/surge' },
        { name: 'tls', mountPath: '/etc/surge/tls', readOnly: true },
      ]);
      expect(deployment.spec.template.spec.volumes, file).toContainEqual({ name: 'tls', secret: { secretName: 'surge-tls' } });
      if (file !== 'gateway.yaml') expect(container.ports[0], file).toEqual({ name: 'framed', containerPort: 7101 });
    }
  });

  it('refuses a ConfigMap the pods could not run on, naming the key', () => {
    expect(() => clusterSettings(withRpc('tls: { enabled: true, ca: /etc/surge/tls/ca.crt, cert: /etc/certs/tls.crt, key: /etc/surge/tls/tls.key }'))).toThrow(/^rpc\.tls\.cert: must be in \/etc\/surge\/tls/);
    expect(() => clusterSettings(withRpc('tls: { enabled: true, ca: /etc/surge/ca.crt, cert: /etc/surge/tls.crt, key: /etc/surge/tls.key }'))).toThrow(/^rpc\.tls\.ca: the certificates need a folder of their own/);
    expect(() => clusterSettings(configMap.replace('grpcPort: 7200', 'grpcPort: 0'))).toThrow(/^rpc\.grpcPort: must be a fixed port/);
    expect(() => clusterSettings(configMap.replace('drainMs: 10000', 'drainMs: 30000'))).toThrow(/^rpc\.drainMs: 30000 leaves no room/);
  });
});
