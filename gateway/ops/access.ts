// Who may read the ops pages (/metrics: traffic and error counts; /healthz: dependency names and
// their errors). One rule for every listener that serves them:
//   - ops.token set: the caller must send `Authorization: Bearer <ops.token>` (compared in constant
//     time), wherever it comes from;
//   - no token, on the API port: only a direct caller on this machine (a loopback peer with no
//     forwarding header: a proxy on the same machine makes every remote caller look local);
//   - no token, on a listener of the ops pages' own (ops.port, a service's rpc.metricsPort): whoever
//     reaches the address it is bound to (loopback by default); binding it is the operator's choice.
import { safeEqual } from '#kit/auth';
import { Code, SurgeError } from '#kit/errors';

export interface OpsAccessOptions {
  /** The bearer token that opens the pages; '' = none. Default ''. */
  token?: string;
  /**
   * Whether the pages share a listener with the public API. Default true: without a token only
   * direct loopback callers are served. false: a listener of their own, open to whoever reaches it.
   */
  sharedListener?: boolean;
}

/** What the rule looks at in a request. */
export interface OpsCaller {
  /** The socket's peer address (never a header). */
  peer: string | undefined;
  headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** Headers a proxy adds: their presence means the peer is not the caller. */
const FORWARDING_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip'] as const;

const HOW_TO_OPEN = 'set ops.token (SURGE_OPS_TOKEN) and send "Authorization: Bearer <token>", or give the ops pages a port of their own (ops.port, ops.host)';

/** A check per request: undefined when the caller may read the page, else the error to answer with (401 or 403). */
export function opsAccess(options: OpsAccessOptions = {}): (caller: OpsCaller) => SurgeError | undefined {
  const token = options.token ?? '';
  const shared = options.sharedListener ?? true;
  if (token !== '') {
    return (caller) => {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header(caller.headers.authorization) ?? '');
      return m && safeEqual(m[1]!, token) ? undefined : new SurgeError(Code.Unauthenticated, 'ops pages: send "Authorization: Bearer <ops.token>"');
    };
  }
  if (!shared) return () => undefined;
  return (caller) =>
    isLoopback(caller.peer) && FORWARDING_HEADERS.every((h) => caller.headers[h] === undefined)
      ? undefined
      : new SurgeError(Code.PermissionDenied, `ops pages answer callers on this machine only; to read them from elsewhere, ${HOW_TO_OPEN}`);
}

/** 127.0.0.0/8, ::1, and IPv4 loopback as an IPv6-mapped address. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') || address === '::1';
}

function header(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
