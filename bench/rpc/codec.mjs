// CPU time of the protobuf and framing work of one call on the framed path, in one process, no
// sockets, a turn of 64 calls (64 in flight) at a time. Client side: encode the requests into
// frames, then walk the reply frames and decode each; server side: walk the request frames and
// decode each, then encode the replies into frames. Two variants of the same work:
//   before  what the framed transport did until it had its own codec path: ts-proto's
//           encode().finish() through @bufbuild/protobuf's BinaryWriter, a head per frame, the
//           turn joined with Buffer.concat, messages decoded through a BinaryReader;
//   after   the framed transport's path now: requests encoded through one reused WireWriter,
//           replies encoded in place into one reused turn buffer (writeOkFrame), messages
//           decoded through a WireReader.
// Each variant runs in a child process of its own (a process running both would show the
// generated code two writer classes and cost both its inline caches); the children alternate, so
// a machine that slows down slows both alike. Reported: the median over children of each child's
// median round, in µs of CPU (user + system, GC included) per call.
//
//   node bench/rpc/codec.mjs [--children 6] [--turns 400] [--message users30|echo]
// Uses the compiled code in dist/ (or $SURGE_DIST); build first with `node scripts/ensure.mjs`.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ECHO_REQUEST, echoReply, lookUsers, USER_IDS } from './messages.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const distDir = process.env.SURGE_DIST ?? join(root, 'dist');
const dist = (...p) => join(distDir, ...p);

const IN_FLIGHT = 64;
const ROUNDS = 9;

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};

if (arg('variant')) await child(arg('variant'), arg('message', 'users30'), Number(arg('turns', 400)));
else driver(Number(arg('children', 6)), Number(arg('turns', 400)), arg('message', 'users30'));

function driver(children, turns, message) {
  const results = { before: [], after: [] };
  for (let i = 0; i < children; i++) {
    for (const variant of ['before', 'after']) {
      const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--variant', variant, '--message', message, '--turns', String(turns)], { encoding: 'utf8' });
      results[variant].push(JSON.parse(out));
    }
  }
  const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const row = (v) => ({ server: med(results[v].map((r) => r.server)), client: med(results[v].map((r) => r.client)) });
  const before = row('before');
  const after = row('after');
  const fmt = (n) => n.toFixed(2).padStart(7);
  console.log(`${message}: CPU µs per call (median of ${children} processes each, ${turns} turns of ${IN_FLIGHT} calls per round)`);
  console.log(`           server          client          total`);
  for (const [name, r] of [['before', before], ['after', after]]) console.log(`  ${name.padEnd(8)} ${fmt(r.server)}         ${fmt(r.client)}        ${fmt(r.server + r.client)}`);
  console.log(`  after/before: ${((after.server + after.client) / (before.server + before.client)).toFixed(2)}`);
}

async function child(variant, message, turns) {
  const user = await import(dist('gen', 'surge', 'user', 'v1', 'user.js'));
  const echo = await import(dist('gen', 'surge', 'echo', 'v1', 'echo.js'));
  const { BinaryReader } = await import('@bufbuild/protobuf/wire');
  const codecKit = await import(dist('packages', 'kit', 'rpc', 'codec', 'index.js'));
  const frame = await import(dist('packages', 'kit', 'rpc', 'framed', 'frame.js'));
  const [reqCodec, request, resCodec, reply] =
    message === 'echo'
      ? [echo.EchoRequest, ECHO_REQUEST, echo.EchoReply, echoReply(ECHO_REQUEST)]
      : [user.GetUsersRequest, { ids: USER_IDS }, user.GetUsersReply, { users: lookUsers(USER_IDS) }];
  const { BodyReader, decodeRequestHead, encodeRequestHead, HEADER_BYTES } = frame;
  const deadline = Date.now() + 2000;
  const metadata = {};

  /** Calls fn(bodyReader) for each frame of a turn. */
  const frames = (data, fn) => {
    let n = 0;
    for (let at = 0; at < data.length; n++) {
      const end = at + 4 + data.readUInt32BE(at);
      fn(new BodyReader(data, at + HEADER_BYTES, end));
      at = end;
    }
    if (n !== IN_FLIGHT) throw new Error('wrong number of frames');
  };

  let clientSend, serverRecv, serverSend, clientRecv;
  if (variant === 'before') {
    const join = (build) => {
      const chunks = [];
      for (let id = 1; id <= IN_FLIGHT; id++) build(id, chunks);
      return Buffer.concat(chunks);
    };
    clientSend = () =>
      join((id, chunks) => {
        const payload = reqCodec.encode(request).finish();
        chunks.push(encodeRequestHead(1, id, 0, deadline, metadata, payload.length), payload);
      });
    serverRecv = (data) => frames(data, (r) => (decodeRequestHead(r), reqCodec.decode(r.rest())));
    serverSend = () =>
      join((id, chunks) => {
        const payload = resCodec.encode(reply).finish();
        chunks.push(frame.encodeOkHead(1, id, payload.length), payload);
      });
    clientRecv = (data) => frames(data, (r) => resCodec.decode(new BinaryReader(r.rest())));
  } else {
    const encoder = new codecKit.WireWriter(1024);
    const clientTurn = new codecKit.WireWriter(16 * 1024);
    const serverTurn = new codecKit.WireWriter(16 * 1024);
    clientSend = () => {
      clientTurn.reset();
      for (let id = 1; id <= IN_FLIGHT; id++) {
        const payload = codecKit.encodeMessage(reqCodec, request, encoder);
        clientTurn.raw(encodeRequestHead(1, id, 0, deadline, metadata, payload.length)).raw(payload);
      }
      return clientTurn.buf.subarray(0, clientTurn.pos);
    };
    serverRecv = (data) => frames(data, (r) => (decodeRequestHead(r), codecKit.decodeMessage(reqCodec, r.rest())));
    serverSend = () => {
      serverTurn.reset();
      for (let id = 1; id <= IN_FLIGHT; id++) frame.writeOkFrame(serverTurn, 1, id, (w) => void resCodec.encode(reply, w.binary));
      return serverTurn.buf.subarray(0, serverTurn.pos);
    };
    clientRecv = (data) => frames(data, (r) => codecKit.decodeMessage(resCodec, r.rest()));
  }
  // What each side receives is a turn as the socket delivers it: a buffer of its own.
  const requests = Buffer.from(clientSend());
  const replies = Buffer.from(serverSend());
  frames(replies, (r) => {
    if (JSON.stringify(variant === 'before' ? resCodec.decode(new BinaryReader(r.rest())) : codecKit.decodeMessage(resCodec, r.rest())) !== JSON.stringify(reply)) {
      throw new Error(`${variant}: the reply does not survive the round trip`);
    }
  });

  const cpu = (fn) => {
    const t0 = process.cpuUsage();
    for (let i = 0; i < turns; i++) fn();
    const t = process.cpuUsage(t0);
    return (t.user + t.system) / (turns * IN_FLIGHT);
  };
  const clientSide = () => (clientSend(), clientRecv(replies));
  const serverSide = () => (serverRecv(requests), serverSend());
  const server = [];
  const client = [];
  for (let r = 0; r < 2; r++) cpu(serverSide), cpu(clientSide); // warm-up
  for (let r = 0; r < ROUNDS; r++) {
    server.push(cpu(serverSide));
    client.push(cpu(clientSide));
  }
  const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  process.stdout.write(JSON.stringify({ server: med(server), client: med(client) }));
}
