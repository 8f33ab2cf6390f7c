// What the Kubernetes manifests say per process, beyond the template in k8s.ts: only what
// differs from the defaults. A service with no entry here gets the defaults, so adding a module
// to services/index.ts is enough for it to get a manifest (`surge manifests` writes it).

/** CPU and memory, as Kubernetes quantities. */
export interface Resources {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}

/** One process's departures from the defaults. */
export interface ProcessOverride {
  /** The container image; default `surge:latest` (deploy/Dockerfile's default target). */
  image?: string;
  replicas?: number;
  resources?: Resources;
  /** Sentences added to the manifest's header comment: why this process differs. */
  note?: string[];
}

/** What every Surge process gets unless its entry says otherwise. */
export const processDefaults = {
  image: 'surge:latest',
  /** Two, so one pod can restart or be rescheduled while the other serves. */
  replicas: 2,
  resources: { requests: { cpu: '500m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } } satisfies Resources,
  /** Room for deregister + drain (rpc.drainMs in the ConfigMap must fit in it; k8s.ts checks). */
  terminationGracePeriodSeconds: 30,
  /** The ConfigMap and Secret every pod reads (deploy/k8s/configmap.yaml, deploy/secret.example.yaml). */
  configMap: 'surge-config',
  secret: 'surge-secrets',
  /** Mounted when rpc.tls.enabled in the ConfigMap: ca.crt, tls.crt, tls.key (cert-manager's layout). */
  tlsSecret: 'surge-tls',
} as const;

/** By process name: a service module's name, or `gateway`. */
export const processOverrides: Readonly<Record<string, ProcessOverride>> = {
  video: {
    image: 'surge-video:latest',
    // ffmpeg decodes the upload's first frame for the cover: more CPU and memory than the others.
    resources: { requests: { cpu: '1', memory: '384Mi' }, limits: { cpu: '2', memory: '1Gi' } },
    note: ["Covers come from the upload's first frame with ffmpeg, so its image is surge-video, the same build with ffmpeg added (docker build --target video), with more CPU and memory."],
  },
};
