// Mutual TLS for Surge's RPC doors (framed protocol and gRPC): one options type for servers and
// clients, read and checked once at construction, so a missing file, a key that does not match
// its certificate or a PEM that is not one fails at start-up naming the option, never at the
// first handshake. TLS in Surge is always mutual: a server that took any client would leave the
// hole it exists to close (any process reaching a service port could call any method).
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import { Code, errors, SurgeError } from '#kit/errors';

/** A PEM file's path, or the PEM itself: a string starting with "-----BEGIN", or a Buffer. */
export type PemSource = string | Buffer;

export interface TlsOptions {
  /**
   * Required: the CA certificate(s) that sign the peer's certificate. A server accepts only clients
   * whose certificate chains to it; a client accepts only a server whose certificate does. A file
   * may hold several (old and new CA during a rotation). Use a CA that signs Surge's internal
   * certificates only: whoever holds one of its certificates can call every method.
   */
  ca: PemSource;
  /** Required: this side's certificate (chain), signed by a CA the peer trusts. */
  cert: PemSource;
  /** Required: the private key of `cert` (unencrypted PEM). */
  key: PemSource;
  /**
   * Client only. Default none: the server is identified by its chain to `ca` alone, because
   * instances are addressed by the IP they register (a pod's IP), which no certificate can name
   * ahead of time. Set it to also require this DNS name in the server certificate (sent as SNI).
   */
  serverName?: string;
}

/** TLS material read, parsed and checked: what node:tls and grpc-js are given. */
export interface ResolvedTls {
  readonly ca: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly serverName: string | undefined;
  /** tls.connect's identity check: the name when serverName is set, else none beyond the chain (see serverName). */
  readonly checkServerIdentity: (host: string, cert: PeerCertificate) => Error | undefined;
}

/**
 * Reads and checks TLS options; undefined stays undefined (plaintext). `field` prefixes option names
 * in errors ('tls' → 'tls.cert: cannot read …'), so a config layer can pass its own key path.
 */
export function resolveTlsOptions(options: TlsOptions | undefined, field = 'tls'): ResolvedTls | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null) throw errors.invalid(field, 'must be an object with ca, cert and key');
  const name = (k: string) => `${field}.${k}`;
  for (const k of ['ca', 'cert', 'key'] as const) {
    if (options[k] === undefined || options[k] === '') {
      const given = (['ca', 'cert', 'key'] as const).filter((g) => options[g] !== undefined && options[g] !== '');
      throw errors.invalid(name(k), `required${given.length ? ` with ${given.map(name).join(' and ')}` : ''}: mutual TLS needs the CA, this side's certificate and its key`);
    }
  }
  const ca = pem(options.ca, name('ca'));
  const cert = pem(options.cert, name('cert'));
  const key = pem(options.key, name('key'));
  const caCerts = certificates(ca, name('ca'));
  const own = certificates(cert, name('cert'))[0]!;
  if (!caCerts.some((c) => c.ca)) throw errors.invalid(name('ca'), 'holds no CA certificate (basicConstraints CA:TRUE)');
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key);
  } catch (cause) {
    throw invalid(name('key'), 'is not an unencrypted PEM private key', cause);
  }
  if (!own.checkPrivateKey(privateKey)) throw errors.invalid(name('key'), `does not match ${name('cert')} (a key and certificate from different pairs)`);
  const serverName = options.serverName;
  if (serverName !== undefined && (typeof serverName !== 'string' || serverName === '' || isIP(serverName) !== 0)) {
    throw errors.invalid(name('serverName'), 'must be a DNS name (an IP cannot be sent as SNI)');
  }
  return Object.freeze({
    ca,
    cert,
    key,
    serverName,
    // Node's own name check, against the configured name rather than the address dialled.
    checkServerIdentity: (_host: string, peer: PeerCertificate) => (serverName === undefined ? undefined : checkServerIdentity(serverName, peer)),
  });
}

function pem(source: PemSource, option: string): Buffer {
  if (Buffer.isBuffer(source)) return source;
  if (typeof source !== 'string') throw errors.invalid(option, 'must be a file path or PEM text');
  if (source.trimStart().startsWith('-----BEGIN')) return Buffer.from(source);
  try {
    return readFileSync(source);
  } catch (cause) {
    throw invalid(option, `cannot read ${source}: ${(cause as Error).message}`, cause);
  }
}

/** Every certificate of a PEM bundle, parsed; the option is named when there is none or one is broken. */
function certificates(bytes: Buffer, option: string): X509Certificate[] {
  const blocks = bytes.toString('latin1').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  if (!blocks) throw errors.invalid(option, 'holds no PEM certificate');
  return blocks.map((block) => {
    try {
      return new X509Certificate(block);
    } catch (cause) {
      throw invalid(option, 'holds a certificate that cannot be parsed', cause);
    }
  });
}

/** InvalidArgument naming the option, as errors.invalid, keeping what went wrong underneath. */
function invalid(option: string, problem: string, cause: unknown): SurgeError {
  return new SurgeError(Code.InvalidArgument, `${option}: ${problem}`, { details: { field: option }, cause });
}
