// Service discovery: instances announce themselves under a lease and clients watch the list.
// Embedded mode uses the in-process table (memory.ts); distributed mode uses etcd (etcd.ts),
// which re-registers by itself when its lease or key is lost and keeps clients' lists through
// etcd outages. Worker ids for the id generator are claimed on the same lease.
export { createMemoryRegistry } from './memory.js';
export { createMemoryTable, type MemoryTable } from './memory-table.js';
export { connectEtcdRegistry } from './etcd.js';
export {
  resolveEtcdRegistryOptions, resolveMemoryRegistryOptions,
  type EtcdRegistryOptions, type MemoryRegistryOptions,
} from './options.js';
export type { Instance, Registration, Registry, Watcher, WorkerClaim } from './types.js';
