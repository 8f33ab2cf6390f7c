// Mutual TLS on both doors, with a throwaway PKI (two unrelated CAs) made by openssl at test time.
// The property is counted at the handler: a caller without a certificate from the server's CA
// never runs UpdateProfile (issue 12: an unauthenticated grpcio client could change any user's
// profile), while a caller with one does; and every refusal is an Unavailable within a second,
// never a wait for the deadline.
import { connect as connectTls } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Client, credentials, type ChannelCredentials, type ServiceError } from '@grpc/grpc-js';
import { Code, SurgeError } from '#kit/errors';
import { UpdateProfileRequest, User, UserServiceDefinition, type User as UserMessage } from '#gen/surge/user/v1/user';
import { createClient } from '../client.js';
import { RpcServer } from '../server.js';
import type { ServiceImpl, Transport } from '../types.js';
import { createFramedTransport, startFramedServer } from '../framed/index.js';
import { encodeHello, PROTOCOL_VERSION } from '../framed/frame.js';
import { createGrpcTransport, startGrpcServer } from '../grpc/index.js';
import { hasOpenssl, makeTestPki, type TestCa, type TestPki } from './testing/test-pki.js';
import { resolveTlsOptions, type TlsOptions } from './index.js';

if (!hasOpenssl()) throw new Error('these tests make their certificates with the openssl CLI: install openssl (apt-get install -y openssl)');

let pki: TestPki;
beforeAll(() => {
  pki = makeTestPki();
});
afterAll(() => pki.remove());

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const c of open.splice(0).reverse()) await c.close();
});

const serverTls = (ca: TestCa, trust: TestCa = ca): TlsOptions => ({ ca: trust.ca, cert: ca.server.cert, key: ca.server.key });
const clientTls = (ca: TestCa, trust: TestCa = ca, extra: Partial<TlsOptions> = {}): TlsOptions => ({ ca: trust.ca, cert: ca.client.cert, key: ca.client.key, ...extra });

/** A user service whose UpdateProfile only counts: what matters is whether a call reached it. */
function userServer(): { rpc: RpcServer; updates: () => number } {
  let updates = 0;
  const user = (id: number): UserMessage => ({ ...User.decode(new Uint8Array()), id, name: 'changed' });
  const unused = async () => {
    throw new SurgeError(Code.Internal, 'not part of this test');
  };
  const impl: ServiceImpl<typeof UserServiceDefinition> = {
    register: unused,
    login: unused,
    sendCode: unused,
    loginByMobile: unused,
    getUser: unused,
    getUsers: unused,
    getRoles: unused,
    setRole: unused,
    updateProfile: async (req) => {
      updates++;
      return user(req.id);
    },
  };
  return { rpc: new RpcServer().register(UserServiceDefinition, impl), updates: () => updates };
}

type Door = 'framed' | 'grpc';

async function serve(door: Door, rpc: RpcServer, tls: TlsOptions | undefined): Promise<number> {
  const server = door === 'framed' ? await startFramedServer(rpc, { tls }) : await startGrpcServer(rpc, { tls });
  open.push({ close: () => server.close({ drainMs: 0 }) });
  return server.port;
}

function transport(door: Door, port: number, tls: TlsOptions | undefined): Transport {
  const t = door === 'framed' ? createFramedTransport({ port, tls, reconnectBaseMs: 10, reconnectMaxMs: 50 }) : createGrpcTransport({ port, tls });
  open.push(t);
  return t;
}

/** One UpdateProfile with a 10 s deadline: its error (or undefined) and how long it took. */
async function update(t: Transport): Promise<{ err: SurgeError | undefined; ms: number }> {
  const client = createClient(UserServiceDefinition, t);
  const started = Date.now();
  try {
    await client.updateProfile({ id: 7, name: 'mallory' }, { timeoutMs: 10_000 });
    return { err: undefined, ms: Date.now() - started };
  } catch (e) {
    return { err: e as SurgeError, ms: Date.now() - started };
  }
}

function expectRefused(r: { err: SurgeError | undefined; ms: number }): void {
  expect(r.err).toBeInstanceOf(SurgeError);
  expect(r.err!.code).toBe(Code.Unavailable);
  expect(r.ms).toBeLessThan(2000); // refused in the handshake, not at the 10 s deadline
}

describe.each<Door>(['framed', 'grpc'])('mutual TLS over %s', (door) => {
  it('serves a client whose certificate comes from the CA, given as PEM or as paths', async () => {
    const s = userServer();
    const port = await serve(door, s.rpc, serverTls(pki.a));
    expect((await update(transport(door, port, clientTls(pki.a)))).err).toBeUndefined();
    const a = pki.a;
    const byPath = transport(door, port, { ca: a.caPath, cert: a.client.certPath, key: a.client.keyPath });
    expect((await update(byPath)).err).toBeUndefined();
    expect(s.updates()).toBe(2);
  });

  it('one certificate per process serves as its server and its client certificate (rpc.tls), with serverName', async () => {
    const s = userServer();
    const own = (extra: Partial<TlsOptions> = {}): TlsOptions => ({ ca: pki.a.ca, cert: pki.a.process.cert, key: pki.a.process.key, ...extra });
    const port = await serve(door, s.rpc, own());
    expect((await update(transport(door, port, own({ serverName: 'surge.test' })))).err).toBeUndefined();
    // A server-only certificate cannot be used to call: the server refuses it as a client certificate.
    expectRefused(await update(transport(door, port, { ca: pki.a.ca, cert: pki.a.server.cert, key: pki.a.server.key })));
    expect(s.updates()).toBe(1);
  });

  it('refuses a client with a certificate from another CA', async () => {
    const s = userServer();
    const port = await serve(door, s.rpc, serverTls(pki.a));
    // B's client certificate, though it trusts the server's CA A.
    const refused = await update(transport(door, port, clientTls(pki.b, pki.a)));
    expectRefused(refused);
    if (door === 'framed') expect(refused.err!.message).toMatch(/may not accept this client's certificate/);
    expect(s.updates()).toBe(0);
  });

  it('refuses a plaintext client fast with Unavailable', async () => {
    const s = userServer();
    const port = await serve(door, s.rpc, serverTls(pki.a));
    expectRefused(await update(transport(door, port, undefined)));
    expect(s.updates()).toBe(0);
  });

  it('a client refuses a server whose certificate its CA did not sign', async () => {
    const s = userServer();
    // The server trusts A's clients but presents B's server certificate.
    const port = await serve(door, s.rpc, { ca: pki.a.ca, cert: pki.b.server.cert, key: pki.b.server.key });
    expectRefused(await update(transport(door, port, clientTls(pki.a))));
    expect(s.updates()).toBe(0);
  });

  it('a TLS client fails fast against a plaintext server', async () => {
    const s = userServer();
    const port = await serve(door, s.rpc, undefined);
    expectRefused(await update(transport(door, port, clientTls(pki.a))));
    expect(s.updates()).toBe(0);
  });

  it('serverName: the server certificate must carry it (the dialled IP is not checked without it)', async () => {
    const s = userServer();
    const port = await serve(door, s.rpc, serverTls(pki.a));
    expect((await update(transport(door, port, clientTls(pki.a, pki.a, { serverName: 'surge.test' })))).err).toBeUndefined();
    expectRefused(await update(transport(door, port, clientTls(pki.a, pki.a, { serverName: 'other.test' }))));
    expect(s.updates()).toBe(1);
  });
});

describe('a client without a certificate', () => {
  it('framed: the handshake is refused and no HELLO is ever answered', async () => {
    const s = userServer();
    const port = await serve('framed', s.rpc, serverTls(pki.a));
    const socket = connectTls({ host: '127.0.0.1', port, ca: pki.a.ca, checkServerIdentity: () => undefined });
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    const ended = new Promise<string>((resolve) => {
      socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
      socket.once('close', () => resolve('closed'));
    });
    // TLS 1.3: the client may think the handshake done before the server has checked it; its HELLO goes nowhere.
    socket.once('secureConnect', () => socket.write(encodeHello(PROTOCOL_VERSION, 1 << 24)));
    const why = await ended;
    socket.destroy();
    expect(Buffer.concat(received).length).toBe(0);
    expect(why).toMatch(/CERTIFICATE_REQUIRED|closed|ECONNRESET/);
    expect(s.updates()).toBe(0);
  });
});

describe('UpdateProfile over gRPC with mutual TLS on (issue 12)', () => {
  const path = `/${UserServiceDefinition.fullName}/${UserServiceDefinition.methods.updateProfile.name}`;

  /** A bare grpc-js client, as any outside caller (the grpcio client of the issue) would be. */
  function rawCall(port: number, creds: ChannelCredentials): Promise<ServiceError | null> {
    const client = new Client(`127.0.0.1:${port}`, creds);
    const request = Buffer.from(UpdateProfileRequest.encode({ id: 7, name: 'mallory' }).finish());
    return new Promise((resolve) => {
      client.makeUnaryRequest(path, (b: Buffer) => b, (b: Buffer) => b, request, { deadline: Date.now() + 10_000 }, (err) => {
        client.close();
        resolve(err);
      });
    });
  }

  it('no unauthenticated caller runs it; a caller with a certificate from the CA does', async () => {
    const s = userServer();
    const port = await serve('grpc', s.rpc, serverTls(pki.a));
    const refusals = [
      await rawCall(port, credentials.createInsecure()), // plaintext, as the caller
      await rawCall(port, credentials.createSsl(Buffer.from(pki.a.ca), null, null, { checkServerIdentity: () => undefined })), // TLS, no certificate
      await rawCall(port, credentials.createSsl(Buffer.from(pki.a.ca), Buffer.from(pki.b.client.key), Buffer.from(pki.b.client.cert), { checkServerIdentity: () => undefined })), // another CA's certificate
    ];
    for (const err of refusals) expect(err?.code).toBe(14); // UNAVAILABLE: no connection, so no call
    expect(s.updates()).toBe(0);
    const ok = await rawCall(port, credentials.createSsl(Buffer.from(pki.a.ca), Buffer.from(pki.a.client.key), Buffer.from(pki.a.client.cert), { checkServerIdentity: () => undefined }));
    expect(ok).toBeNull();
    expect(s.updates()).toBe(1);
  });
});

describe('TLS options are checked at construction', () => {
  const invalid = (fn: () => unknown): SurgeError => {
    try {
      fn();
    } catch (e) {
      return e as SurgeError;
    }
    throw new Error('expected the options to be refused');
  };

  it('names the option: unreadable file, missing half of a pair, a key of another pair, no certificate, no CA, an IP as serverName', () => {
    const a = pki.a;
    const cases: [TlsOptions, string, RegExp][] = [
      [{ ca: a.caPath, cert: `${pki.dir}/missing.crt`, key: a.client.keyPath }, 'tls.cert', /cannot read .*missing\.crt/],
      [{ ca: a.ca, cert: a.client.cert } as TlsOptions, 'tls.key', /required with tls\.ca and tls\.cert/],
      [{ ca: a.ca, key: a.client.key } as TlsOptions, 'tls.cert', /required/],
      [{ ca: a.ca, cert: a.client.cert, key: a.server.key }, 'tls.key', /does not match tls\.cert/],
      [{ ca: a.ca, cert: '-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----', key: a.client.key }, 'tls.cert', /cannot be parsed/],
      [{ ca: a.client.key, cert: a.client.cert, key: a.client.key }, 'tls.ca', /no PEM certificate/],
      [{ ca: a.client.cert, cert: a.client.cert, key: a.client.key }, 'tls.ca', /no CA certificate/],
      [{ ca: a.ca, cert: a.client.cert, key: 'not a key' }, 'tls.key', /cannot read not a key/],
      [{ ...clientTls(a), serverName: '10.0.0.7' }, 'tls.serverName', /DNS name/],
    ];
    for (const [options, field, message] of cases) {
      const err = invalid(() => resolveTlsOptions(options));
      expect(err).toBeInstanceOf(SurgeError);
      expect([err.code, err.details?.field]).toEqual([Code.InvalidArgument, field]);
      expect(err.message).toMatch(message);
    }
  });

  it('the transports and servers refuse them before any socket opens', async () => {
    const bad = { ca: pki.a.ca, cert: pki.a.client.cert, key: pki.a.server.key };
    expect(invalid(() => createFramedTransport({ port: 1, tls: bad })).details?.field).toBe('tls.key');
    expect(invalid(() => createGrpcTransport({ port: 1, tls: bad })).details?.field).toBe('tls.key');
    const rpc = userServer().rpc;
    await expect(startFramedServer(rpc, { tls: bad })).rejects.toMatchObject({ code: Code.InvalidArgument, details: { field: 'tls.key' } });
    await expect(startGrpcServer(rpc, { tls: bad })).rejects.toMatchObject({ code: Code.InvalidArgument, details: { field: 'tls.key' } });
  });

  it('no options: plaintext, nothing resolved', () => {
    expect(resolveTlsOptions(undefined)).toBeUndefined();
  });
});
