// Presence options and argument checks, shared by the adapters: bad settings are refused at
// construction, bad arguments at the call, each with InvalidArgument naming the field.
import { type Clock, systemClock } from '#kit/clock';
import { errors } from '#kit/errors';
import type { OnlineOptions, PresenceMember } from './types.js';

export interface PresenceOptions {
  /**
   * Default 60000 ms, as Centrifugo's presence TTL: a dead instance's connections vanish within a
   * minute, and a refresh every 20 s per connection batch costs the store next to nothing.
   */
  ttlMs?: number;
  /** Default systemClock: expiry is this clock's time, so tests drive it with a ManualClock. */
  clock?: Clock;
}

export interface ResolvedPresenceOptions {
  readonly ttlMs: number;
  readonly clock: Clock;
}

export function resolvePresenceOptions(options: PresenceOptions = {}): ResolvedPresenceOptions {
  const ttlMs = options.ttlMs ?? 60_000;
  // At least 3 ms so refreshEveryMs (a third) is a real interval.
  if (!Number.isInteger(ttlMs) || ttlMs < 3) throw errors.invalid('ttlMs', 'an integer number of milliseconds, at least 3');
  return Object.freeze({ ttlMs, clock: options.clock ?? systemClock });
}

/** Room, user and connection ids end up in keys and replies: bounded, non-empty strings. */
const MAX_ID = 256;

export function checkId(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ID) throw errors.invalid(field, `a non-empty string of at most ${MAX_ID} characters`);
  return value;
}

export function checkMember(member: PresenceMember): void {
  if (typeof member !== 'object' || member === null) throw errors.invalid('member', 'an object with userId and connId');
  checkId('userId', member.userId);
  checkId('connId', member.connId);
  if (member.info !== undefined && (typeof member.info !== 'object' || member.info === null || Array.isArray(member.info)))
    throw errors.invalid('info', 'an object');
}

/** At most this many connections renewed per call: one instance's connections in one room fit many times over. */
export const MAX_REFRESH = 10_000;

export function checkConnIds(connIds: readonly string[]): void {
  if (!Array.isArray(connIds) || connIds.length > MAX_REFRESH) throw errors.invalid('connIds', `a list of at most ${MAX_REFRESH} connection ids`);
  for (const id of connIds) checkId('connIds', id);
}

export const DEFAULT_ONLINE_LIMIT = 1000;
const MAX_ONLINE_LIMIT = 10_000;

export function onlineLimit(options: OnlineOptions | undefined): number {
  const limit = options?.limit ?? DEFAULT_ONLINE_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_ONLINE_LIMIT) throw errors.invalid('limit', `an integer from 1 to ${MAX_ONLINE_LIMIT}`);
  return limit;
}

/** Info is stored as JSON: at most this many characters, so one member cannot bloat every read of the room. */
const MAX_INFO = 4096;

/** info → its JSON ('' when absent); refuses what JSON cannot carry or what is too big, in embedded runs too. */
export function encodeInfo(info: PresenceMember['info']): string {
  if (info === undefined) return '';
  let json: string;
  try {
    json = JSON.stringify(info);
  } catch (err) {
    throw errors.invalid('info', `JSON-serialisable (${(err as Error).message})`);
  }
  if (json.length > MAX_INFO) throw errors.invalid('info', `at most ${MAX_INFO} characters of JSON`);
  return json;
}

/** The stored JSON back; '' (or text that is not ours) is no info. */
export function decodeInfo(json: string): PresenceMember['info'] {
  if (json === '') return undefined;
  try {
    const info: unknown = JSON.parse(json);
    return typeof info === 'object' && info !== null && !Array.isArray(info) ? (info as PresenceMember['info']) : undefined;
  } catch {
    return undefined; // written by something else under our prefix: show the user without info rather than fail the room
  }
}
