import { describe, expect, it } from 'vitest';
import { ManualClock } from '#kit/clock';
import { Code, SurgeError } from '#kit/errors';
import { createMemoryLimitStore } from '#kit/limit';
import { createSignatureVerifier, replayGuardOn, signRequest, SIGNATURE_HEADERS, type SignedRequest } from './index.js';

const OLD = { id: 'pay-2026-06', secret: 'o'.repeat(32) };
const NEW = { id: 'pay-2026-12', secret: 'n'.repeat(40) };
const notification: SignedRequest = { method: 'POST', path: '/callbacks/payments?provider=acme', body: '{"order":7,"amount":"12.50","status":"paid"}' };

function setup(keys: Record<string, string> = { [OLD.id]: OLD.secret, [NEW.id]: NEW.secret }) {
  const clock = new ManualClock();
  const store = createMemoryLimitStore({ clock });
  const verifier = createSignatureVerifier({ keys, clock, replay: replayGuardOn(store) });
  return { clock, store, verifier };
}

async function refusal(p: Promise<unknown>): Promise<string> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(SurgeError);
  expect((err as SurgeError).code).toBe(Code.Unauthenticated);
  return (err as SurgeError).message;
}

describe('request signatures', () => {
  it('accepts a request signed with a key in the ring, and names the key', async () => {
    const { clock, verifier } = setup();
    const headers = signRequest(notification, NEW, { clock });
    expect(Object.keys(headers).sort()).toEqual(Object.values(SIGNATURE_HEADERS).sort());
    await expect(verifier.verify(notification, headers)).resolves.toEqual({ keyId: NEW.id, timestamp: Math.floor(clock.now() / 1000) });
  });

  it('accepts the old key while it is still listed (rotation), and refuses it once removed', async () => {
    const both = setup();
    await expect(both.verifier.verify(notification, signRequest(notification, OLD, { clock: both.clock }))).resolves.toMatchObject({ keyId: OLD.id });
    const rotated = setup({ [NEW.id]: NEW.secret });
    expect(await refusal(rotated.verifier.verify(notification, signRequest(notification, OLD, { clock: rotated.clock })))).toMatch(/unknown key id "pay-2026-06"/);
  });

  it.each<[string, Partial<SignedRequest>]>([
    ['body', { body: '{"order":7,"amount":"1250.00","status":"paid"}' }],
    ['body by one trailing byte', { body: `${String(notification.body)} ` }],
    ['path', { path: '/callbacks/payments?provider=evil' }],
    ['query removed', { path: '/callbacks/payments' }],
    ['method', { method: 'PUT' }],
  ])('refuses a request whose %s was changed after signing', async (_what, change) => {
    const { clock, verifier } = setup();
    const headers = signRequest(notification, NEW, { clock });
    expect(await refusal(verifier.verify({ ...notification, ...change }, headers))).toMatch(/does not match/);
  });

  it('refuses a signature moved to another key id, nonce or timestamp', async () => {
    const { clock, verifier } = setup({ a: 'a'.repeat(32), b: 'a'.repeat(32) });
    const headers = signRequest(notification, { id: 'a', secret: 'a'.repeat(32) }, { clock });
    // Same secret under another id: the id is signed, so this still fails.
    expect(await refusal(verifier.verify(notification, { ...headers, [SIGNATURE_HEADERS.keyId]: 'b' }))).toMatch(/does not match/);
    expect(await refusal(verifier.verify(notification, { ...headers, [SIGNATURE_HEADERS.nonce]: 'other' }))).toMatch(/does not match/);
    const later = String(Number(headers[SIGNATURE_HEADERS.timestamp]) + 1);
    expect(await refusal(verifier.verify(notification, { ...headers, [SIGNATURE_HEADERS.timestamp]: later }))).toMatch(/does not match/);
  });

  it('refuses a wrong secret under a listed key id', async () => {
    const { clock, verifier } = setup();
    expect(await refusal(verifier.verify(notification, signRequest(notification, { id: NEW.id, secret: 'x'.repeat(40) }, { clock })))).toMatch(/does not match/);
  });

  it('accepts timestamps within ±300 s and refuses older or newer ones', async () => {
    const { clock, verifier } = setup();
    const signedNow = signRequest(notification, NEW, { clock });
    clock.advance(300_000);
    await expect(verifier.verify(notification, signedNow)).resolves.toBeDefined();
    const signedThen = signRequest(notification, NEW, { clock: new ManualClock(clock.now() - 301_000) });
    expect(await refusal(verifier.verify(notification, signedThen))).toMatch(/timestamp is more than 300 s/);
    const fromTheFuture = signRequest(notification, NEW, { clock: new ManualClock(clock.now() + 301_000) });
    expect(await refusal(verifier.verify(notification, fromTheFuture))).toMatch(/timestamp/);
  });

  it('accepts each signed request once: 10 deliveries of one notification, 1 accepted, 9 replays', async () => {
    const { clock, verifier } = setup();
    const headers = signRequest(notification, NEW, { clock });
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => verifier.verify(notification, headers).then(() => 'ok', (e: SurgeError) => e.message)));
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
    expect(outcomes.filter((o) => /replay/.test(o))).toHaveLength(9);
    // A new delivery of the same notification, signed again, is a new request.
    await expect(verifier.verify(notification, signRequest(notification, NEW, { clock }))).resolves.toBeDefined();
  });

  it('remembers a signature for the whole window: a replay just before its timestamp expires is still refused', async () => {
    const { clock, verifier } = setup();
    const headers = signRequest(notification, NEW, { clock });
    await verifier.verify(notification, headers);
    clock.advance(299_000);
    expect(await refusal(verifier.verify(notification, headers))).toMatch(/replay/);
  });

  it('shares the seen-set through the limit store: a replay to another instance is refused', async () => {
    const clock = new ManualClock();
    const shared = replayGuardOn(createMemoryLimitStore({ clock }));
    const keys = { [NEW.id]: NEW.secret };
    const first = createSignatureVerifier({ keys, clock, replay: shared });
    const second = createSignatureVerifier({ keys, clock, replay: shared });
    const headers = signRequest(notification, NEW, { clock });
    await first.verify(notification, headers);
    expect(await refusal(second.verify(notification, headers))).toMatch(/replay/);
  });

  it('does not let forged requests into the seen-set', async () => {
    const { clock, store, verifier } = setup();
    const headers = signRequest(notification, NEW, { clock });
    await refusal(verifier.verify({ ...notification, body: 'forged' }, headers));
    expect(store.size).toBe(0);
  });

  it.each([
    ['no headers', {}],
    ['a repeated signature header', { [SIGNATURE_HEADERS.signature]: ['a', 'b'] }],
    ['an upper-case signature', { [SIGNATURE_HEADERS.signature]: 'A'.repeat(64) }],
    ['a timestamp in ms with letters', { [SIGNATURE_HEADERS.timestamp]: '17e11' }],
  ])('refuses %s naming the header', async (_what, change) => {
    const { clock, verifier } = setup();
    const headers = { ...signRequest(notification, NEW, { clock }), ...change };
    const message = await refusal(verifier.verify(notification, _what === 'no headers' ? {} : headers));
    expect(message).toMatch(/^request signature: x-surge-/);
  });

  it('refuses bad settings at construction', () => {
    expect(() => createSignatureVerifier({ keys: {} })).toThrow(/keys: must hold at least one key/);
    expect(() => createSignatureVerifier({ keys: { k: 'short' } })).toThrow(/keys\.k: must be at least 32 bytes/);
    expect(() => createSignatureVerifier({ keys: { 'bad id': 'x'.repeat(32) } })).toThrow(/key id/);
    expect(() => createSignatureVerifier({ keys: { k: 'x'.repeat(32) }, toleranceSeconds: 0 })).toThrow(/toleranceSeconds/);
    expect(() => signRequest(notification, { id: 'k', secret: 'short' })).toThrow(/key\.secret/);
  });
});
