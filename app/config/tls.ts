// rpc.tls as the kit's TlsOptions: the PEM files read and checked once, at start-up, with errors
// naming the config keys (rpc.tls.cert: cannot read …), then handed to every server and client.
import { resolveTlsOptions, type TlsOptions } from '#kit/rpc';
import type { Config } from './schema.js';

/** undefined when rpc.tls.enabled is false (plaintext); throws InvalidArgument naming rpc.tls.<key> for a bad file. */
export function rpcTls(config: Pick<Config, 'rpc'>): TlsOptions | undefined {
  const t = config.rpc.tls;
  if (!t.enabled) return undefined;
  const resolved = resolveTlsOptions({ ca: t.ca, cert: t.cert, key: t.key, serverName: t.serverName || undefined }, 'rpc.tls')!;
  return Object.freeze({ ca: resolved.ca, cert: resolved.cert, key: resolved.key, serverName: resolved.serverName });
}
