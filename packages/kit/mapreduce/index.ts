// Bounded parallel helpers: fan out with a worker limit, keep order, cancel on the first error.
export { mapLimit, all, type AllOptions } from './map-limit.js';
export { mapReduce, type MapReduceOptions } from './map-reduce.js';
export type { PoolOptions, Work } from './pool.js';
