// The origin (scheme://host[:port]) of URLs the gateway hands out for its own blobs (play_url,
// cover_url), when douyin.publicBaseUrl does not fix one. The client's Host header is not
// trusted as such: anyone can send any Host, and a reply cached or shared (a CDN, a proxy, a
// screenshot of the API) would send other people's players to the sender's server. A Host (or,
// with http.trustProxy, X-Forwarded-Host) is used only when it is trusted:
//
// - http.publicHosts set: exactly one of those host[:port] values (compared in lower case);
// - http.publicHosts empty (the default): one of the machine's own names (localhost, 127.0.0.1,
//   [::1], its host name, the addresses of its interfaces at start, and the address the
//   connection reached) at the port the request came in on. A phone on the LAN sends the LAN
//   address and port it connected to, so it keeps working with no setting.
//
// Otherwise the origin is the address the connection reached (its local address and port), or
// without a connection (inject) the listening address, an unspecified one (0.0.0.0, ::) read as
// loopback. Behind NAT, a port mapping or a proxy that address is not the one clients use: set
// douyin.publicBaseUrl or http.publicHosts there.
import { hostname, networkInterfaces } from 'node:os';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '#kit/errors';

declare module 'fastify' {
  interface FastifyRequest {
    /** scheme://host[:port] for URLs that point back at this gateway (see public-origin.ts). */
    publicOrigin(): string;
  }
}

/** What a request tells about where it arrived. */
export interface Arrival {
  /** The Host as Fastify reads it (X-Forwarded-Host with trustProxy); '' when absent. */
  host: string;
  /** 'http' or 'https' as Fastify reads it (X-Forwarded-Proto with trustProxy). */
  protocol: string;
  /** The connection's own end: its local address and port, and whether it is TLS. Absent without a socket (inject). */
  local?: { address: string; port: number; encrypted: boolean };
  /** The server's listening address, for when there is no connection. */
  listening?: { address: string; port: number };
}

/** Which Host values may appear in URLs. */
export type TrustedHosts = { kind: 'configured'; hosts: ReadonlySet<string> } | { kind: 'machine'; names: ReadonlySet<string> };

/** host or host:port; host a DNS name, an IPv4 address or a bracketed IPv6 address. */
const HOST_PORT = /^(?:\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)(?::(\d{1,5}))?$/;

/**
 * The trust rule: the configured hosts when any are given (checked here, so a bad value fails at
 * start), else the machine's own names (by default read from the OS).
 */
export function trustedHosts(configured: readonly string[], machine: { names: readonly string[] } = { names: machineNames() }): TrustedHosts {
  if (configured.length === 0) return { kind: 'machine', names: new Set(machine.names.map((n) => n.toLowerCase())) };
  const hosts = new Set<string>();
  for (const raw of configured) {
    const host = String(raw).toLowerCase();
    const m = HOST_PORT.exec(host);
    if (!m || (m[1] !== undefined && Number(m[1]) > 65535)) {
      throw errors.invalid('http.publicHosts', `${JSON.stringify(raw)} is not a host[:port] (e.g. api.example.com, 192.168.1.20:8080, [::1]:8080)`);
    }
    hosts.add(host);
  }
  return { kind: 'configured', hosts };
}

/** localhost, loopback, the host name and every interface address (IPv6 in brackets, without a zone). */
export function machineNames(): string[] {
  const names = ['localhost', '127.0.0.1', '[::1]', hostname()];
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) names.push(a.family === 'IPv6' ? `[${a.address.split('%')[0]}]` : a.address);
  }
  return names;
}

export function publicOrigin(a: Arrival, trusted: TrustedHosts): string {
  const host = a.host.toLowerCase();
  if (host !== '' && isTrusted(host, a, trusted)) return `${a.protocol}://${host}`;
  if (a.local !== undefined) return `${a.local.encrypted ? 'https' : 'http'}://${urlAddress(a.local.address)}:${a.local.port}`;
  if (a.listening !== undefined) return `http://${urlAddress(a.listening.address)}:${a.listening.port}`;
  return 'http://localhost';
}

function isTrusted(host: string, a: Arrival, trusted: TrustedHosts): boolean {
  if (trusted.kind === 'configured') return trusted.hosts.has(host);
  const m = HOST_PORT.exec(host);
  if (!m) return false;
  const port = m[1] === undefined ? (a.protocol === 'https' ? 443 : 80) : Number(m[1]);
  const arrivedAt = a.local?.port ?? a.listening?.port;
  if (port !== arrivedAt) return false;
  const name = m[1] === undefined ? host : host.slice(0, host.length - m[1].length - 1);
  return trusted.names.has(name) || (a.local !== undefined && name === urlAddress(a.local.address));
}

/** An address as a URL writes it: IPv4-mapped IPv6 as IPv4, IPv6 in brackets, unspecified as loopback. */
function urlAddress(address: string): string {
  if (address === '0.0.0.0' || address === '::' || address === '') return '127.0.0.1';
  if (address.startsWith('::ffff:') && address.includes('.')) return address.slice(7);
  return address.includes(':') ? `[${address.toLowerCase()}]` : address;
}

/** Adds request.publicOrigin(), following the rule above; bad configured hosts fail here, at start. */
export function installPublicOrigin(app: FastifyInstance, options: { hosts: readonly string[] }): void {
  const trusted = trustedHosts(options.hosts);
  app.decorateRequest('publicOrigin', function (this: FastifyRequest): string {
    const socket = this.raw.socket as (typeof this.raw.socket & { encrypted?: boolean }) | undefined;
    const local = socket?.localAddress !== undefined && socket.localPort !== undefined ? { address: socket.localAddress, port: socket.localPort, encrypted: socket.encrypted === true } : undefined;
    let listening: Arrival['listening'];
    if (local === undefined) {
      const addr = this.server.server.address() as AddressInfo | string | null;
      if (addr !== null && typeof addr === 'object') listening = { address: addr.address, port: addr.port };
    }
    return publicOrigin({ host: this.host ?? '', protocol: this.protocol, local, listening }, trusted);
  });
}
