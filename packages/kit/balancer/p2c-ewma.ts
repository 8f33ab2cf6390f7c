// p2c_ewma: power of two choices over EWMA latency and in-flight calls, the EWMA decayed by elapsed
// time (Finagle's EWMA load metric, as go-zero's zrpc p2c balancer uses it), plus a success-rate
// penalty, a forced pick of long-unpicked instances, and a start value for new ones.
//
// Each pick draws two distinct instances at random and takes the one with the lower load:
//
//   load = latency × (inFlight + 1) / success
//
// latency: EWMA of call latency (ms), each old estimate weighted exp(-elapsed / DECAY_MS);
// inFlight: calls picked and not yet settled, which reacts at once to an instance that slows
//   down, long before the EWMA does (Little's law: latency × queue ≈ the wait a new call faces);
// success: EWMA of the success rate (1 = every call succeeded). A failing instance usually answers
//   fast, so it would look better by latency and in-flight alike: dividing by its success rate
//   turns failures into load.
// Two random candidates, not the global minimum: clients with similar stats would all send their
// next calls to the same least-loaded instance at once (herding); two choices already spread load
// exponentially better than one random choice.

import { type Clock, systemClock } from '#kit/clock';
import { errors } from '#kit/errors';
import { type CallResult, dedupe, noInstances, type Pick, type Picker } from './picker.js';

/** Time constant of both EWMAs: an estimate this old counts 1/e. Default value from Finagle. */
export const DECAY_MS = 10_000;
/**
 * An instance not picked for this long takes the next call it competes for, whatever its load,
 * provided its rival was picked within this time: a failed or slow instance is otherwise never
 * measured again and never gets traffic back when it recovers. Costs at most one probe call per
 * second per client. When both have been idle this long the better one wins: there is no stream
 * of calls to probe beside, and the probe would be the whole traffic.
 */
export const FORCE_PICK_MS = 1_000;
/**
 * Each settled call moves the success rate by at least this much. Pure time decay gives a burst of
 * failures within a millisecond no weight at all; with this, 10 straight failures take the rate
 * from 1 to 0.35 and 22 to 0.1, whatever the call rate.
 */
export const MIN_SUCCESS_WEIGHT = 0.1;
/** Floor of the success divisor: keeps loads finite and dead instances ordered by their in-flight calls. */
export const MIN_SUCCESS = 0.001;
/** Floor of the latency factor (1 µs): instances answering in "0 ms" (in-process) still compare by in-flight calls. */
export const MIN_LATENCY_MS = 0.001;
/** Latency of unmeasured instances when no instance has been measured yet: all alike, any value works. */
export const START_LATENCY_MS = 1;

export interface P2cOptions<T> {
  /** Required: a stable identity per instance (host:port, lease id); stats follow the key across update(). */
  key: (instance: T) => string;
  /** Default systemClock. Its monotonic time measures latency, decay and time since last pick. */
  clock?: Clock;
  /** Default Math.random, values in [0, 1). Draws the two candidates; tests pass a seeded one. */
  random?: () => number;
  /** Default 'service'. What the Unavailable error of an empty set names (the called service). */
  name?: string;
  /** Default DECAY_MS (10 s, from Finagle). Time constant of the latency and success EWMAs. */
  decayMs?: number;
  /** Default FORCE_PICK_MS (1 s). An instance not picked for longer takes its next contest against one picked meanwhile. */
  forcePickMs?: number;
}

interface ResolvedP2cOptions<T> {
  key: (instance: T) => string;
  clock: Clock;
  random: () => number;
  name: string;
  decayMs: number;
  forcePickMs: number;
}

export function resolveP2cOptions<T>(options: P2cOptions<T>): ResolvedP2cOptions<T> {
  if (typeof options?.key !== 'function') throw errors.invalid('key', 'must be a function giving each instance a stable id');
  const clock = options.clock ?? systemClock;
  if (typeof clock.monotonic !== 'function') throw errors.invalid('clock', 'must be a Clock');
  const random = options.random ?? Math.random;
  if (typeof random !== 'function') throw errors.invalid('random', 'must be a function returning [0, 1)');
  const name = options.name ?? 'service';
  if (typeof name !== 'string' || name === '') throw errors.invalid('name', 'must be a non-empty string');
  const decayMs = options.decayMs ?? DECAY_MS;
  if (!isPositive(decayMs)) throw errors.invalid('decayMs', 'must be a positive number of milliseconds');
  const forcePickMs = options.forcePickMs ?? FORCE_PICK_MS;
  if (!isPositive(forcePickMs)) throw errors.invalid('forcePickMs', 'must be a positive number of milliseconds');
  return Object.freeze({ key: options.key, clock, random, name, decayMs, forcePickMs });
}

function isPositive(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0;
}

/** What the balancer knows of one instance. */
class Node<T> {
  latency = 0;
  /** False until a first successful call: the first sample replaces the start value outright. */
  measured = false;
  success = 1;
  inFlight = 0;
  /** Never picked: a new instance wins its first contest against a busy rival by the forced-pick rule, so it is tried soon. */
  lastPickedAt = -Infinity;

  constructor(
    public instance: T,
    /** Decay of the first sample runs from creation, so an early failure is one sample among many. */
    public lastSampleAt: number,
  ) {}
}

class P2cPicker<T> implements Picker<T> {
  private readonly o: ResolvedP2cOptions<T>;
  private nodes: Node<T>[] = [];
  private byKey = new Map<string, Node<T>>();

  constructor(options: P2cOptions<T>) {
    this.o = resolveP2cOptions(options);
  }

  update(instances: readonly T[]): void {
    const now = this.o.clock.monotonic();
    const byKey = new Map<string, Node<T>>();
    for (const [k, instance] of dedupe(instances, this.o.key)) {
      const kept = this.byKey.get(k);
      // Kept instances keep their stats (and in-flight count); the newest object is handed out.
      if (kept) kept.instance = instance;
      byKey.set(k, kept ?? new Node(instance, now));
    }
    this.byKey = byKey;
    this.nodes = [...byKey.values()];
  }

  size(): number {
    return this.nodes.length;
  }

  pick(): Pick<T> {
    const n = this.nodes.length;
    if (n === 0) throw noInstances(this.o.name);
    const now = this.o.clock.monotonic();
    let chosen = this.nodes[0]!;
    if (n > 1) {
      const i = this.index(n);
      let j = this.index(n - 1);
      if (j >= i) j++;
      chosen = this.choose(this.nodes[i]!, this.nodes[j]!, now);
    }
    chosen.lastPickedAt = now;
    chosen.inFlight++;
    return this.handle(chosen, now);
  }

  private index(n: number): number {
    // Math.min guards a random() that returns 1.
    return Math.min(n - 1, Math.floor(this.o.random() * n));
  }

  /**
   * The lower load wins; ties go to the first drawn, which is itself random. The forced pick (as
   * go-zero's p2c): the worse one wins if it has waited past forcePickMs while the better one was
   * picked within it. go-zero asks only the first, so when calls come less than once per window
   * every one goes to the worse instance, a failing one included.
   */
  private choose(a: Node<T>, b: Node<T>, now: number): Node<T> {
    const [better, worse] = this.load(b) < this.load(a) ? [b, a] : [a, b];
    const window = this.o.forcePickMs;
    if (now - worse.lastPickedAt > window && now - better.lastPickedAt <= window) return worse;
    return better;
  }

  private load(node: Node<T>): number {
    const latency = node.measured ? node.latency : this.startLatency();
    return (Math.max(latency, MIN_LATENCY_MS) * (node.inFlight + 1)) / Math.max(node.success, MIN_SUCCESS);
  }

  /**
   * The latency an unmeasured instance is assumed to have: the best measured one's. It competes as
   * an equal of the fastest instance, so it is tried, yet its own in-flight calls raise its load
   * like anyone's, so it is not flooded before its first answer comes back.
   */
  private startLatency(): number {
    let best = Infinity;
    for (const node of this.nodes) if (node.measured && node.latency < best) best = node.latency;
    return best === Infinity ? START_LATENCY_MS : best;
  }

  private handle(node: Node<T>, startedAt: number): Pick<T> {
    let settled = false;
    return {
      instance: node.instance,
      done: (result: CallResult) => {
        if (settled) return;
        settled = true;
        this.record(node, result, startedAt);
      },
    };
  }

  private record(node: Node<T>, result: CallResult, startedAt: number): void {
    node.inFlight = Math.max(0, node.inFlight - 1);
    if (result.cancelled) return;
    const now = this.o.clock.monotonic();
    const given = result.latencyMs;
    const latency = typeof given === 'number' && Number.isFinite(given) && given >= 0 ? given : Math.max(0, now - startedAt);
    // Weight of the old estimates: exp(-elapsed / decay), elapsed since this instance's last sample.
    const keep = Math.exp(-Math.max(0, now - node.lastSampleAt) / this.o.decayMs);
    node.lastSampleAt = Math.max(now, node.lastSampleAt);

    if (result.ok) {
      node.latency = node.measured ? node.latency * keep + latency * (1 - keep) : latency;
      node.measured = true;
    } else if (node.measured && latency > node.latency) {
      // A failure may show an instance is slow (a timeout), never that it is fast (a refusal).
      node.latency = node.latency * keep + latency * (1 - keep);
    }

    const w = Math.max(1 - keep, MIN_SUCCESS_WEIGHT);
    node.success = node.success * (1 - w) + (result.ok ? w : 0);
  }
}

/** A power-of-two-choices picker over EWMA latency, in-flight calls and success rate. */
export function createP2cPicker<T>(options: P2cOptions<T>): Picker<T> {
  return new P2cPicker(options);
}
