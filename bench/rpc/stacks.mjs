// The four RPC stacks under test, each as a server half and a client half serving the same two
// calls (echo, 30 users) from the same in-memory data. Every call carries a 2 s timeout, as Surge's
// client does by default, so each stack pays for a deadline.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { echoReply, lookUsers } from './messages.mjs';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('../..', import.meta.url));
const dist = (...p) => join(root, 'dist', ...p);

const TIMEOUT_MS = 2000;

export const STACKS = ['framed', 'surge-grpc', 'grpc-js', 'moleculer'];

export const STACK_NOTES = {
  framed: "Surge's framed protocol: startFramedServer / createFramedTransport (default 2 connections), the standard server interceptor chain (errors, metrics, logging, deadline) with a no-op observer and a silent log",
  'surge-grpc': "Surge's gRPC door: startGrpcServer / createGrpcTransport (one HTTP/2 channel), same RpcServer and interceptors as framed",
  'grpc-js': 'plain @grpc/grpc-js Server and Client (makeUnaryRequest with a deadline), the ts-proto codecs as serialize/deserialize, no Surge code',
  moleculer: 'moleculer 0.14 ServiceBroker over NATS (127.0.0.1:4222), serializer JSON (the default), requestTimeout 2 s, a unique namespace per run; nats@2 driven by bench/rpc/moleculer-nats.mjs',
};

/** A unique Moleculer namespace for this run, so NATS subjects never meet another broker's. */
export const newNamespace = () => `surgebench-${randomBytes(4).toString('hex')}`;

const gen = async () => ({
  echo: await import(dist('gen', 'surge', 'echo', 'v1', 'echo.js')),
  user: await import(dist('gen', 'surge', 'user', 'v1', 'user.js')),
});

/**
 * Starts the server half of a stack. onCall() is invoked once per served call, so the server
 * process can divide its own CPU time by the calls it served. Returns what the client needs.
 */
export async function startServer(stack, { onCall, namespace }) {
  const g = await gen();
  const echo = (req) => (onCall(), echoReply(req));
  const users = (req) => (onCall(), { users: lookUsers(req.ids) });

  if (stack === 'framed' || stack === 'surge-grpc') {
    const rpcKit = await import(dist('packages', 'kit', 'rpc', 'index.js'));
    const { systemClock } = await import(dist('packages', 'kit', 'clock', 'index.js'));
    const silent = { error() {}, warn() {}, info() {}, debug() {} };
    const rpc = new rpcKit.RpcServer(rpcKit.serverInterceptors({ log: silent, observer: { observe() {} }, clock: systemClock }));
    rpc.register(g.echo.EchoServiceDefinition, { echo: async (req) => echo(req) });
    // The other user methods are not called; RpcServer wants a handler for each.
    const unused = async () => {
      throw new Error('not served by the benchmark');
    };
    const userImpl = Object.fromEntries(Object.keys(g.user.UserServiceDefinition.methods).map((k) => [k, unused]));
    userImpl.getUsers = async (req) => users(req);
    rpc.register(g.user.UserServiceDefinition, userImpl);
    const server = stack === 'framed' ? await rpcKit.startFramedServer(rpc) : await rpcKit.startGrpcServer(rpc);
    return { info: { port: server.port }, close: () => server.close({ drainMs: 0 }) };
  }

  if (stack === 'grpc-js') {
    const grpc = require('@grpc/grpc-js');
    const server = new grpc.Server();
    const svc = {
      Echo: grpcMethod('/surge.echo.v1.EchoService/Echo', g.echo.EchoRequest, g.echo.EchoReply),
      GetUsers: grpcMethod('/surge.user.v1.UserService/GetUsers', g.user.GetUsersRequest, g.user.GetUsersReply),
    };
    server.addService(svc, {
      Echo: (call, cb) => cb(null, echo(call.request)),
      GetUsers: (call, cb) => cb(null, users(call.request)),
    });
    const port = await new Promise((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    return { info: { port }, close: () => new Promise((r) => server.tryShutdown(() => r())) };
  }

  if (stack === 'moleculer') {
    const broker = await moleculerBroker(namespace, 'server');
    broker.createService({
      name: 'bench',
      actions: {
        echo: (ctx) => echo(ctx.params),
        getUsers: (ctx) => users(ctx.params),
      },
    });
    await broker.start();
    return { info: {}, close: () => broker.stop() };
  }
  throw new Error(`unknown stack ${stack}`);
}

/** Connects the client half of a stack; returns one function per message, each resolving to the reply. */
export async function connectClient(stack, { info, namespace }) {
  const g = await gen();

  if (stack === 'framed' || stack === 'surge-grpc') {
    const rpcKit = await import(dist('packages', 'kit', 'rpc', 'index.js'));
    const transport = stack === 'framed' ? rpcKit.createFramedTransport({ port: info.port }) : rpcKit.createGrpcTransport({ port: info.port });
    const echo = rpcKit.createClient(g.echo.EchoServiceDefinition, transport, { defaultTimeoutMs: TIMEOUT_MS });
    const user = rpcKit.createClient(g.user.UserServiceDefinition, transport, { defaultTimeoutMs: TIMEOUT_MS });
    return { echo: (req) => echo.echo(req), users30: (req) => user.getUsers(req), close: () => transport.close() };
  }

  if (stack === 'grpc-js') {
    const grpc = require('@grpc/grpc-js');
    const client = new grpc.Client(`127.0.0.1:${info.port}`, grpc.credentials.createInsecure());
    const unary = (m) => (req) =>
      new Promise((resolve, reject) => {
        client.makeUnaryRequest(m.path, m.requestSerialize, m.responseDeserialize, req, { deadline: Date.now() + TIMEOUT_MS }, (err, reply) => (err ? reject(err) : resolve(reply)));
      });
    return {
      echo: unary(grpcMethod('/surge.echo.v1.EchoService/Echo', g.echo.EchoRequest, g.echo.EchoReply)),
      users30: unary(grpcMethod('/surge.user.v1.UserService/GetUsers', g.user.GetUsersRequest, g.user.GetUsersReply)),
      close: async () => client.close(),
    };
  }

  if (stack === 'moleculer') {
    const broker = await moleculerBroker(namespace, 'client');
    await broker.start();
    await broker.waitForServices('bench', 10_000);
    return { echo: (req) => broker.call('bench.echo', req), users30: (req) => broker.call('bench.getUsers', req), close: () => broker.stop() };
  }
  throw new Error(`unknown stack ${stack}`);
}

/** A grpc-js method definition over a ts-proto codec (Buffer views, no copies). */
function grpcMethod(path, reqCodec, resCodec) {
  const ser = (codec) => (v) => {
    const b = codec.encode(v).finish();
    return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  };
  return {
    path,
    requestStream: false,
    responseStream: false,
    requestSerialize: ser(reqCodec),
    requestDeserialize: (b) => reqCodec.decode(b),
    responseSerialize: ser(resCodec),
    responseDeserialize: (b) => resCodec.decode(b),
  };
}

async function moleculerBroker(namespace, role) {
  const { ServiceBroker } = require('moleculer');
  const { Nats2Transporter } = await import('./moleculer-nats.mjs');
  return new ServiceBroker({
    namespace,
    nodeID: `${role}-${process.pid}`,
    transporter: new Nats2Transporter({ servers: '127.0.0.1:4222' }),
    serializer: 'JSON',
    requestTimeout: TIMEOUT_MS,
    logger: false,
    metrics: false,
    tracing: false,
  });
}
