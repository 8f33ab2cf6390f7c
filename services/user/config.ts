// The user service's configuration section (`user`), read by the service and, for the region in
// which mobiles are read, by the gateway's sign-in limits. Schema only: every process loads it.
import { Type, type Static } from 'typebox';
import { settings } from '#kit/service';

export const userConfig = settings.section({
  codeTtlSeconds: settings.int(1800, 60),
  codesPerDay: settings.int(10, 1),
  /** Wrong guesses allowed per code before it is burnt. */
  codeAttempts: settings.int(5, 1),
  /** ISO 3166 region in which a mobile written without a country code is read (13900139000 → +8613900139000): where the client's users are. */
  defaultRegion: settings.str('CN', { pattern: '^[A-Z]{2}$' }),
  /** The back-off on wrong passwords (docs/security.md, "Sign-in back-off"): free failures, then waits of 1 s, 2 s, 4 s … */
  passwordBackoff: settings.section({
    /** Wrong passwords per account (from addresses it has not signed in from lately) before waits begin. */
    accountFailures: settings.int(5, 1, 1000),
    /** Wrong passwords from one client address, whatever the account, before waits begin. */
    addressFailures: settings.int(20, 1, 100_000),
    /** The longest wait: nobody is locked out for longer at a time. */
    maxWaitSeconds: settings.int(900, 1, 86_400),
    /** An address the account signed in from within this many days is not held by the account's back-off (0 = no such addresses). */
    knownAddressDays: settings.int(30, 0, 365),
  }),
  /** How a verification code reaches its mobile (services/user/code-sender.ts). */
  codeSender: settings.section({
    /**
     * 'log': written to the log at debug level (embedded mode only: a log is no way to reach a phone);
     * 'webhook': POSTed to an SMS gateway; 'off': SendCode answers FailedPrecondition ("mobile sign-in
     * is not configured"). 'auto' (default) = 'log' in embedded mode, 'off' elsewhere, so no install
     * leaks codes into a shared log by default.
     */
    driver: Type.Union([Type.Literal('auto'), Type.Literal('log'), Type.Literal('webhook'), Type.Literal('off')], { default: 'auto' }),
    webhook: settings.section({
      /** The SMS gateway's endpoint: it receives POST {mobile, code, ttlSeconds} as JSON. Required with driver 'webhook'. */
      url: settings.str('', { pattern: '^(https?://[^\\s/]+(/[^\\s]*)?)?$' }),
      /** Sent as Authorization: Bearer <token>; '' = no Authorization header. */
      token: settings.str(''),
      /** One delivery's time limit; below rpc.timeoutMs, so SendCode fails with Unavailable before its caller gives up. */
      timeoutMs: settings.int(1500, 100, 60_000),
    }),
  }),
});

export type UserConfig = Static<typeof userConfig>;

/** What the schema cannot say about the section (app/config runs it at start). */
export function userConfigProblems(u: UserConfig, system: { embedded: boolean; rpcTimeoutMs: number }): string[] {
  const problems: string[] = [];
  const sender = u.codeSender;
  if (sender.driver === 'log' && !system.embedded) {
    problems.push("user.codeSender.driver: 'log' is for embedded mode only (a log is no way to reach a phone, and a shared log must not hold sign-in codes); use 'webhook' (an SMS gateway) or 'off'");
  }
  if (sender.driver === 'webhook') {
    if (sender.webhook.url === '') problems.push("user.codeSender.webhook.url: required with driver 'webhook' (the SMS gateway's endpoint, e.g. https://sms.internal/send)");
    if (sender.webhook.timeoutMs >= system.rpcTimeoutMs) problems.push(`user.codeSender.webhook.timeoutMs: ${sender.webhook.timeoutMs} ms must be below rpc.timeoutMs (${system.rpcTimeoutMs} ms), or the caller gives up before the sender reports`);
  }
  return problems;
}
