// The registry interface services and clients see. Adapters: memory.ts (embedded, one process)
// and etcd.ts (distributed). Neither leaks its driver: every failure is a SurgeError.
import { errors } from '#kit/errors';

/** One running instance of a service, as announced in the registry. */
export interface Instance {
  service: string;
  /** Unique among the instances of the service (host:pid, a pod name, a uuid). */
  id: string;
  host: string;
  /** Port of the framed RPC protocol (0 when not served). */
  framedPort: number;
  /** Port of the gRPC door (0 when not served). */
  grpcPort: number;
  pid: number;
  meta?: Record<string, string>;
}

export interface Registration {
  readonly instance: Instance;
  /**
   * Resolves once the key is first written. The registry keeps retrying while the store is
   * down, so await it with your own timeout if start-up must wait. Rejects (Cancelled) only if
   * deregistered or closed before it was ever written.
   */
  readonly ready: Promise<void>;
  /** Revokes the lease first (clients stop sending at once), then stops re-registering. */
  deregister(): Promise<void>;
}

export interface Watcher {
  /** The last known instances (kept while the registry is unreachable). */
  current(): Instance[];
  close(): Promise<void>;
}

export interface WorkerClaim {
  readonly workerId: number;
  /**
   * Aborts when the id could not be kept: the lease was lost and another instance took the
   * number meanwhile. Stop issuing ids with it. Not aborted by release()/deregister().
   */
  readonly lost: AbortSignal;
  /** Frees the number (deletes the key); a no-op after deregister, which frees it too. */
  release(): Promise<void>;
}

export interface Registry {
  /** Announce an instance. Call only after its server listens. Re-registers by itself until deregistered. */
  register(instance: Instance): Promise<Registration>;
  /**
   * Calls onChange with the full current list (sorted by id) once at start, then on every change.
   * While the registry is unreachable the last list stays; it is resynced when the registry is back.
   * Rejects with SurgeError(Unavailable) if the first list cannot be read.
   */
  watch(service: string, onChange: (instances: Instance[]) => void): Promise<Watcher>;
  /** Every registered instance, or those of one service (for `surge ps`). */
  list(service?: string): Promise<Instance[]>;
  /**
   * A small number in 0..max unique among live instances of one service (snowflake worker ids).
   * Held on the instance's lease: freed by release(), deregister(), or the lease expiring.
   * Claiming twice for the same instance returns the same number.
   */
  claimWorkerId(service: string, instanceId: string, max: number): Promise<WorkerClaim>;
  /** Resolves when the registry answers; SurgeError(Unavailable, 'etcd') otherwise. */
  ping(): Promise<void>;
  /**
   * Stops keep-alives and watches without deregistering: instances still registered expire
   * after the lease TTL, as if the process had died. Deregister first for a clean exit.
   */
  close(): Promise<void>;
}

const namePattern = /^[A-Za-z0-9._:-]+$/;

function checkName(field: string, value: unknown): void {
  if (typeof value !== 'string' || !namePattern.test(value)) {
    throw errors.invalid(field, 'must be a non-empty string of letters, digits, ".", "_", ":" or "-" (it becomes part of a key)');
  }
}

function checkPort(field: string, value: unknown): void {
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 65535) throw errors.invalid(field, 'must be an integer port 0..65535');
}

export function checkServiceName(service: unknown): void {
  checkName('service', service);
}

/** Validates at the door so a bad instance never reaches the store; returns a frozen copy. */
export function checkInstance(instance: Instance): Instance {
  checkName('instance.service', instance?.service);
  checkName('instance.id', instance.id);
  if (typeof instance.host !== 'string' || instance.host === '') throw errors.invalid('instance.host', 'must be a non-empty string');
  checkPort('instance.framedPort', instance.framedPort);
  checkPort('instance.grpcPort', instance.grpcPort);
  if (!Number.isInteger(instance.pid) || instance.pid < 0) throw errors.invalid('instance.pid', 'must be a non-negative integer');
  if (instance.meta !== undefined) {
    for (const [k, v] of Object.entries(instance.meta)) {
      if (typeof v !== 'string') throw errors.invalid(`instance.meta.${k}`, 'must be a string');
    }
  }
  const copy: Instance = { service: instance.service, id: instance.id, host: instance.host, framedPort: instance.framedPort, grpcPort: instance.grpcPort, pid: instance.pid };
  if (instance.meta !== undefined) copy.meta = Object.freeze({ ...instance.meta });
  return Object.freeze(copy);
}

export function checkMaxWorkerId(max: unknown): void {
  if (!Number.isInteger(max) || (max as number) < 0 || (max as number) > 65535) throw errors.invalid('max', 'must be an integer 0..65535');
}

/** Parses a stored value; null for anything that is not an instance (an operator's junk must not break discovery). */
export function parseInstance(raw: string): Instance | null {
  try {
    return checkInstance(JSON.parse(raw) as Instance);
  } catch {
    return null;
  }
}

export function byId(a: Instance, b: Instance): number {
  return a.service < b.service ? -1 : a.service > b.service ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Same instances with the same fields: watchers call back only on a real change. */
export function sameList(a: readonly Instance[], b: readonly Instance[]): boolean {
  return a.length === b.length && a.every((x, i) => JSON.stringify(x) === JSON.stringify(b[i]));
}
