// Round robin: instances take calls in turn, blind to latency and failures. The baseline the
// p2c picker is measured against, and a fair choice when every instance is alike.
import { errors } from '#kit/errors';
import { dedupe, noInstances, type Pick, type Picker } from './picker.js';

export interface RoundRobinOptions<T> {
  /** Default none (instances taken as given). With a key, duplicates in update() are dropped. */
  key?: (instance: T) => string;
  /** Default Math.random. Draws the starting instance, so clients started together do not all begin at the first. */
  random?: () => number;
  /** Default 'service'. What the Unavailable error of an empty set names. */
  name?: string;
}

export function resolveRoundRobinOptions<T>(options: RoundRobinOptions<T>) {
  if (options.key !== undefined && typeof options.key !== 'function') throw errors.invalid('key', 'must be a function');
  const random = options.random ?? Math.random;
  if (typeof random !== 'function') throw errors.invalid('random', 'must be a function returning [0, 1)');
  const name = options.name ?? 'service';
  if (typeof name !== 'string' || name === '') throw errors.invalid('name', 'must be a non-empty string');
  return Object.freeze({ key: options.key, random, name });
}

const settle = (): void => {};

/** A picker that hands out instances in turn; done() is accepted and ignored. */
export function createRoundRobinPicker<T>(options: RoundRobinOptions<T> = {}): Picker<T> {
  const o = resolveRoundRobinOptions(options);
  let instances: readonly T[] = [];
  let next = -1;
  return {
    update(list: readonly T[]): void {
      instances = o.key ? [...dedupe(list, o.key).values()] : [...list];
    },
    size: () => instances.length,
    pick(): Pick<T> {
      const n = instances.length;
      if (n === 0) throw noInstances(o.name);
      if (next < 0) next = Math.min(n - 1, Math.floor(o.random() * n));
      // The turn carries over an update(); modulo keeps it in range when the set shrank.
      const instance = instances[next % n]!;
      next = (next % n) + 1;
      return { instance, done: settle };
    },
  };
}
