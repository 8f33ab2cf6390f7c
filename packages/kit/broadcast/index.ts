// Public door of broadcast: fire-and-forget fan-out of a message to every instance subscribed to
// its subject (chat rooms across gateways, "sold out" to every instance), at most once, in order
// per subject and publisher; in-process or over core NATS.
export type { Broadcast, BroadcastHandler, BroadcastSubscription } from './types.js';
export { createMemoryBroadcast, createMemoryBroadcastBus, type MemoryBroadcastBus, type MemoryBroadcastOptions } from './memory.js';
export { createNatsBroadcast, type NatsBroadcastConnection, type NatsBroadcastOptions } from './nats.js';
