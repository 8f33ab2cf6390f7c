import { describe, expect, it } from 'vitest';
import { publicOrigin, trustedHosts, type Arrival } from './public-origin.js';

const machine = trustedHosts([], { names: ['localhost', '127.0.0.1', '[::1]', 'devbox', '192.168.1.20', '[fe80::1]'] });
const configured = trustedHosts(['API.example.com', 'media.example.com:8443', '[2001:db8::7]:8080'], { names: ['localhost', '192.168.1.20'] });

/** A direct connection to 192.168.1.20:8080 (a phone on the LAN), with the given Host. */
const lan = (host: string, extra: Partial<Arrival> = {}): Arrival => ({ host, protocol: 'http', local: { address: '192.168.1.20', port: 8080, encrypted: false }, ...extra });

describe('the origin of media URLs', () => {
  it.each([
    // The machine's own names at the port the request came in on: used as sent (lower case).
    ['the LAN address at the port', lan('192.168.1.20:8080'), 'http://192.168.1.20:8080'],
    ['localhost at the port', lan('localhost:8080'), 'http://localhost:8080'],
    ['the host name, any case', lan('DevBox:8080'), 'http://devbox:8080'],
    ['an IPv6 interface address', lan('[fe80::1]:8080'), 'http://[fe80::1]:8080'],
    ['the address the connection reached, even if not listed at start', lan('10.1.1.1:8080', { local: { address: '10.1.1.1', port: 8080, encrypted: false } }), 'http://10.1.1.1:8080'],
    // Anything else: the address the client reached, never the Host.
    ['another name', lan('evil.example'), 'http://192.168.1.20:8080'],
    ['another name at the port', lan('evil.example:8080'), 'http://192.168.1.20:8080'],
    ['a machine name at another port', lan('localhost:9999'), 'http://192.168.1.20:8080'],
    ['a machine name with no port (80 implied)', lan('192.168.1.20'), 'http://192.168.1.20:8080'],
    ['no Host at all', lan(''), 'http://192.168.1.20:8080'],
    ['a Host with a path or user info', lan('192.168.1.20:8080/x@evil.example'), 'http://192.168.1.20:8080'],
    ['a Host with a user', lan('evil.example@192.168.1.20:8080'), 'http://192.168.1.20:8080'],
    // The connection's own address, written as a URL needs it.
    ['an IPv4-mapped IPv6 local address', lan('evil', { local: { address: '::ffff:192.168.1.20', port: 8080, encrypted: false } }), 'http://192.168.1.20:8080'],
    ['an IPv6 local address', lan('evil', { local: { address: '::1', port: 8080, encrypted: false } }), 'http://[::1]:8080'],
    ['a TLS connection', lan('evil', { protocol: 'https', local: { address: '192.168.1.20', port: 8443, encrypted: true } }), 'https://192.168.1.20:8443'],
    ['port 443 implied by https', lan('localhost', { protocol: 'https', local: { address: '127.0.0.1', port: 443, encrypted: true } }), 'https://localhost'],
    // No connection (inject): the listening address, an unspecified one read as loopback.
    ['no connection: the listening address', { host: 'evil', protocol: 'http', listening: { address: '0.0.0.0', port: 8080 } }, 'http://127.0.0.1:8080'],
    ['no connection: an IPv6 wildcard', { host: 'evil', protocol: 'http', listening: { address: '::', port: 8080 } }, 'http://127.0.0.1:8080'],
    ['no connection: a machine name at the listening port', { host: 'localhost:8080', protocol: 'http', listening: { address: '0.0.0.0', port: 8080 } }, 'http://localhost:8080'],
    ['nothing known at all', { host: 'evil', protocol: 'http' }, 'http://localhost'],
  ] as [string, Arrival, string][])('built-in rule: %s → %s', (_name, arrival, origin) => {
    expect(publicOrigin(arrival, machine)).toBe(origin);
  });

  it.each([
    ['a configured name (any case)', lan('api.EXAMPLE.com', { protocol: 'https' }), 'https://api.example.com'],
    ['a configured name with its port', lan('media.example.com:8443'), 'http://media.example.com:8443'],
    ['a configured IPv6 address', lan('[2001:DB8::7]:8080'), 'http://[2001:db8::7]:8080'],
    ['a configured name at another port', lan('media.example.com'), 'http://192.168.1.20:8080'],
    ['a configured name with a port it was not given', lan('api.example.com:8080'), 'http://192.168.1.20:8080'],
    // The configured list replaces the built-in one.
    ['a machine name', lan('192.168.1.20:8080'), 'http://192.168.1.20:8080'],
    ['localhost', lan('localhost:8080'), 'http://192.168.1.20:8080'],
    ['anything else', lan('evil.example'), 'http://192.168.1.20:8080'],
  ] as [string, Arrival, string][])('configured hosts: %s → %s', (_name, arrival, origin) => {
    expect(publicOrigin(arrival, configured)).toBe(origin);
  });

  it.each([['http://api.example.com'], ['api.example.com/'], ['api example.com'], [''], ['api.example.com:99999'], ['user@api.example.com']])('refuses %j as a configured host', (host) => {
    expect(() => trustedHosts([host], { names: [] })).toThrow(/http\.publicHosts/);
  });
});
