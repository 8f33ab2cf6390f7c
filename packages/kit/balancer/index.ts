// Client-side load balancing: a picker chooses an instance per call and learns from how the call
// went. p2c_ewma (power of two choices over EWMA latency, in-flight calls and success rate) is the
// default; round robin is the baseline. A balanced transport routes RPC calls through a picker.
export { createP2cPicker, type P2cOptions } from './p2c-ewma.js';
export { createRoundRobinPicker, type RoundRobinOptions } from './round-robin.js';
export { createBalancedTransport, isInstanceFailure, type BalancedInstance, type BalancedTransportOptions } from './balanced-transport.js';
export type { CallResult, Pick, Picker } from './picker.js';
