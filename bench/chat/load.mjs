// The chat benchmark's client: one process holding every socket, started by bench/chat/run.mjs
// (child_process.fork) and told over IPC what to do. It is the same for Surge and for the bare
// server, which speak the same frames.
//
// fanout: N sockets in M rooms (client i in room i mod M, the room's first client its sender),
// each joins and waits for its room's `presence` frame; then each sender sends a message every
// interval, its send time (this process's monotonic clock) in the content. Every `message` frame
// received is one delivery: deliveries per second in the measured window, and send-to-delivery
// latency for every message sent in it (late ones are waited for, up to the drain time).
//
// idle: N sockets connect (tokens reused, up to a user's connection limit each), the parent reads
// the server's memory, then each joins a room, the parent reads it again, then they close.
import { randomBytes } from 'node:crypto';
import { performance, monitorEventLoopDelay } from 'node:perf_hooks';
import WebSocket from 'ws';

const PROTOCOL = 'surge-chat';
/** Sockets being opened, or joins waiting for their answer, at once: more only queue in the server. */
const AT_ONCE = 64;

let sockets = [];
const send = (msg) => process.send?.(msg);
const say = (text) => send({ event: 'progress', text });

// The runner's IPC channel gone means the runner is gone: nothing is left to report to.
process.on('disconnect', () => process.exit(0));
process.on('message', (msg) => {
  const run = msg.cmd === 'fanout' ? fanout(msg) : msg.cmd === 'idle' ? idle(msg) : undefined;
  if (!run) return;
  run.then(
    (result) => {
      send({ event: 'result', result });
      process.exitCode = 0;
      setTimeout(() => process.exit(0), 100);
    },
    (err) => {
      send({ event: 'error', message: err instanceof Error ? err.message : String(err) });
      for (const s of sockets) s.ws.terminate();
      setTimeout(() => process.exit(1), 100);
    },
  );
});

/** The gateway of client i: clients alternate over the gateways, each room's members spread over all of them. */
const urlOf = (urls, i, rooms) => urls[(i + Math.floor(i / rooms)) % urls.length];

/**
 * Opens client i's socket; `onFrame(client, frame, now)` sees every frame. A refused upgrade
 * rejects with its status and body; a socket that closes later is counted in `stats.closed`.
 */
function open(url, token, i, room, onFrame, stats) {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/api/v1/chat/ws`, [PROTOCOL, `bearer.${token}`], { perMessageDeflate: false });
  const c = { i, room, ws, ready: false, closing: false, onReady: undefined };
  ws.on('message', (data) => onFrame(c, JSON.parse(data.toString()), performance.now()));
  ws.on('close', (code, reason) => {
    if (c.closing) return;
    stats.closed++;
    stats.closeSample ??= `${code} ${reason.toString()}`;
    stats.onProblem?.();
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(c));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => reject(new Error(`client ${i}: the upgrade was refused (${res.statusCode}): ${body.slice(0, 300)}`)));
    });
    ws.once('error', (err) => reject(new Error(`client ${i}: ${err.message}`)));
  });
}

/** Opens `count` sockets, AT_ONCE at a time. */
async function openAll(count, make, deadlineMs) {
  const out = new Array(count);
  let next = 0;
  const deadline = Date.now() + deadlineMs;
  const worker = async () => {
    while (next < count) {
      if (Date.now() > deadline) throw new Error(`only ${next} of ${count} sockets opened within ${deadlineMs / 1000} s`);
      const i = next++;
      out[i] = await make(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(AT_ONCE, count) }, worker));
  return out;
}

/**
 * Sends every client's join, AT_ONCE in flight, and resolves once each has its room's presence
 * frame; an error frame or a closed socket meanwhile stops it. Joins are paced as connects are:
 * the run measures the rooms' steady fan-out, not a burst of every member joining at once.
 */
function joinAll(clients, stats, deadlineMs) {
  return new Promise((resolve, reject) => {
    let next = 0;
    let waiting = clients.length;
    const timer = setTimeout(() => fail(`${waiting} of ${clients.length} clients had not joined their room within ${deadlineMs / 1000} s`), deadlineMs);
    const fail = (why) => {
      clearTimeout(timer);
      reject(new Error(why));
    };
    const joinNext = () => {
      if (next >= clients.length) return;
      const c = clients[next++];
      c.onReady = () => {
        if (--waiting === 0) {
          clearTimeout(timer);
          return resolve();
        }
        joinNext();
      };
      c.ws.send(JSON.stringify({ type: 'join', room: c.room }));
    };
    stats.onProblem = () => fail(`while joining: ${stats.errors} error frames (first: ${stats.errorSample}), ${stats.closed} sockets closed (first: ${stats.closeSample})`);
    if (clients.length === 0) return resolve();
    for (let i = 0; i < AT_ONCE; i++) joinNext();
  }).finally(() => (stats.onProblem = undefined));
}

/** Closes every socket, then cuts those still open after a few seconds. */
async function closeAll(clients) {
  await Promise.all(
    clients.map(
      (c) =>
        new Promise((resolve) => {
          c.closing = true;
          if (c.ws.readyState === WebSocket.CLOSED) return resolve();
          const cut = setTimeout(() => c.ws.terminate(), 5000);
          c.ws.once('close', () => {
            clearTimeout(cut);
            resolve();
          });
          c.ws.close();
        }),
    ),
  );
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function fanout(o) {
  const stats = { closed: 0, closeSample: undefined, errors: 0, errorSample: undefined };
  const rooms = o.rooms.length;
  const members = new Array(rooms).fill(0);
  for (let i = 0; i < o.clients; i++) members[i % rooms]++;
  let window = { start: Infinity, end: Infinity };
  const inWindow = (t) => t >= window.start && t < window.end;
  const latencies = new Float64Array(Math.ceil((o.warmupSeconds + o.durationSeconds) * 1000 / o.intervalMs + 2) * o.clients);
  let delivered = 0; // deliveries of messages sent in the window
  let windowDeliveries = 0; // deliveries received in the window, whenever sent
  let totalDeliveries = 0;
  const ackLatencies = [];
  /** The window's latencies by the second their message was sent in: a stall shows as one bad second. */
  const bySecond = Array.from({ length: o.durationSeconds }, () => []);
  let acks = 0;
  const sent = rooms === 0 ? [] : o.rooms.map(() => new Map());

  const onFrame = (c, f, now) => {
    switch (f.type) {
      case 'message': {
        totalDeliveries++;
        if (inWindow(now)) windowDeliveries++;
        const at = Number(f.content.slice(f.content.indexOf(':') + 1, f.content.indexOf(';')));
        if (inWindow(at)) {
          latencies[delivered++] = now - at;
          bySecond[Math.floor((at - window.start) / 1000)]?.push(now - at);
        }
        return;
      }
      case 'ack': {
        const at = sent[c.i]?.get(f.client_msg_id);
        if (at === undefined) return;
        acks++;
        if (inWindow(at)) ackLatencies.push(now - at);
        return;
      }
      case 'presence':
        if (!c.ready && f.room === c.room) {
          c.ready = true;
          c.onReady?.();
        }
        return;
      case 'error':
        stats.errors++;
        stats.errorSample ??= JSON.stringify(f).slice(0, 300);
        stats.onProblem?.();
        return;
    }
  };

  const connectStarted = performance.now();
  sockets = await openAll(o.clients, (i) => open(urlOf(o.urls, i, rooms), o.tokens[i % o.tokens.length], i, o.rooms[i % rooms], onFrame, stats), o.phaseTimeoutSeconds * 1000);
  const connectSeconds = (performance.now() - connectStarted) / 1000;
  say(`${o.clients} sockets open in ${connectSeconds.toFixed(1)} s`);
  const joinStarted = performance.now();
  await joinAll(sockets, stats, o.phaseTimeoutSeconds * 1000);
  const joinSeconds = (performance.now() - joinStarted) / 1000;
  say(`all joined in ${joinSeconds.toFixed(1)} s`);
  // The joins' own frames (joined events for every member) settle before the load starts.
  await sleep(500);
  if (stats.errors > 0 || stats.closed > 0) throw new Error(`before the load: ${stats.errors} error frames (${stats.errorSample}), ${stats.closed} sockets closed (${stats.closeSample})`);

  const pad = 'x'.repeat(Math.max(0, o.contentChars - 24));
  const runId = randomBytes(6).toString('hex');
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  const started = performance.now();
  window = { start: started + o.warmupSeconds * 1000, end: started + (o.warmupSeconds + o.durationSeconds) * 1000 };
  let sends = 0;
  let windowSends = 0;
  let expected = 0;
  let cpuAtStart;
  const windowStartTimer = setTimeout(() => {
    loopDelay.enable();
    cpuAtStart = process.cpuUsage();
    send({ event: 'window', at: 'start' });
  }, o.warmupSeconds * 1000);
  // Each room's sender on a clock of its own, the rooms' first sends spread over one interval.
  const timers = o.rooms.map((room, r) => {
    const sender = sockets[r];
    let n = 0;
    let t = null;
    const tick = () => {
      const now = performance.now();
      if (now >= window.end) return;
      // Unique across runs: a client_msg_id the user sent before is a resend, acked and not delivered again.
      const id = `${runId}-${++n}`;
      sender.ws.send(JSON.stringify({ type: 'send', room, content: `${n}:${now.toFixed(3)};${pad}`, client_msg_id: id }));
      sent[r].set(id, now);
      sends++;
      if (inWindow(now)) {
        windowSends++;
        expected += members[r];
      }
      // The next send is due one interval after this one was due, not after it ran.
      const due = started + (r * o.intervalMs) / rooms + n * o.intervalMs;
      t = setTimeout(tick, Math.max(0, due - performance.now()));
    };
    t = setTimeout(tick, (r * o.intervalMs) / rooms);
    return () => clearTimeout(t);
  });
  await sleep((o.warmupSeconds + o.durationSeconds) * 1000);
  const cpu = process.cpuUsage(cpuAtStart);
  send({ event: 'window', at: 'end' });
  loopDelay.disable();
  for (const stop of timers) stop();
  clearTimeout(windowStartTimer);
  // Late deliveries of the window's messages still count for latency: wait for them, bounded.
  const drainDeadline = performance.now() + o.drainSeconds * 1000;
  while ((delivered < expected || acks < sends) && performance.now() < drainDeadline && stats.closed === 0) await sleep(20);
  const drainSeconds = (performance.now() - window.end) / 1000;
  await closeAll(sockets);

  const lat = latencies.subarray(0, delivered).sort();
  const acksSorted = Float64Array.from(ackLatencies).sort();
  return {
    clients: o.clients,
    rooms,
    gateways: o.urls.length,
    connectSeconds,
    joinSeconds,
    sends,
    windowSends,
    sendsPerSecond: windowSends / o.durationSeconds,
    expectedDeliveries: expected,
    delivered,
    lost: expected - delivered,
    deliveriesPerSecond: windowDeliveries / o.durationSeconds,
    offeredDeliveriesPerSecond: expected / o.durationSeconds,
    totalDeliveries,
    latencyMs: percentiles(lat),
    latencyBySecondMs: bySecond.map((xs) => percentiles(Float64Array.from(xs).sort())),
    acks,
    ackLatencyMs: percentiles(acksSorted),
    drainSeconds,
    errors: stats.errors,
    errorSample: stats.errorSample,
    closed: stats.closed,
    closeSample: stats.closeSample,
    // Evidence the client kept up: its CPU share and event-loop delay over the window.
    client: { cpuShare: (cpu.user + cpu.system) / 1e6 / o.durationSeconds, loopDelayP99Ms: loopDelay.percentile(99) / 1e6, loopDelayMaxMs: loopDelay.max / 1e6 },
  };
}

function percentiles(sorted) {
  if (sorted.length === 0) return { p50: NaN, p90: NaN, p99: NaN, max: NaN };
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[sorted.length - 1] };
}

/** Waits for the runner's next command of this name. */
const command = (name) =>
  new Promise((resolve) => {
    const on = (msg) => {
      if (msg.cmd !== name) return;
      process.off('message', on);
      resolve(msg);
    };
    process.on('message', on);
  });

async function idle(o) {
  const stats = { closed: 0, closeSample: undefined, errors: 0, errorSample: undefined };
  const onFrame = (c, f) => {
    if (f.type === 'presence' && !c.ready && f.room === c.room) {
      c.ready = true;
      c.onReady?.();
    } else if (f.type === 'error') {
      stats.errors++;
      stats.errorSample ??= JSON.stringify(f).slice(0, 300);
      stats.onProblem?.();
    }
  };
  const started = performance.now();
  sockets = await openAll(o.clients, (i) => open(o.urls[0], o.tokens[i % o.tokens.length], i, o.rooms[i % o.rooms.length], onFrame, stats), o.phaseTimeoutSeconds * 1000);
  const connectSeconds = (performance.now() - started) / 1000;
  send({ event: 'connected', connectSeconds });
  await command('join');
  const joinStarted = performance.now();
  await joinAll(sockets, stats, o.phaseTimeoutSeconds * 1000);
  send({ event: 'joined', joinSeconds: (performance.now() - joinStarted) / 1000 });
  await command('close');
  const problems = { errors: stats.errors, errorSample: stats.errorSample, closed: stats.closed, closeSample: stats.closeSample };
  await closeAll(sockets);
  return problems;
}
