// A name for this process among the instances of a service: host:pid:random. Stamped on work an
// instance claims (a saga it drives, a journal entry it holds) so another can tell whose it is.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

export function instanceName(): string {
  const host = hostname().replace(/[^A-Za-z0-9.-]/g, '-').slice(0, 40) || 'host';
  return `${host}:${process.pid}:${randomBytes(4).toString('hex')}`;
}
