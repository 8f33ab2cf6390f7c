// The chat benchmark's baseline: the least a Node WebSocket server does to run the same rooms.
// One `ws` server speaking the chat frames' shape (JSON in, JSON out): `join` puts the socket in
// the room's set and answers `joined` and `presence`, `send` builds one message frame (a per-room
// counter as its seq) and writes it to every socket of the room, then acks the sender. Nothing is
// checked, stored or limited: no token check, no database, no broker. bench/chat/run.mjs measures
// Surge against it with the same client and the same load.
//
//   PORT=8080 node bench/chat/bare-ws.mjs
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

const PROTOCOL = 'surge-chat';
const s = JSON.stringify;

/** room id → its sockets, and the room's last seq. */
const rooms = new Map();
let nextId = 0;

const server = createServer((req, res) => {
  res.writeHead(req.url === '/healthz' ? 200 : 404, { 'content-type': 'application/json' });
  res.end(req.url === '/healthz' ? '{"status":"ok"}' : '{}');
});
const wss = new WebSocketServer({ server, path: '/api/v1/chat/ws', handleProtocols: (offered) => (offered.has(PROTOCOL) ? PROTOCOL : false) });

wss.on('connection', (socket) => {
  const user = { id: ++nextId, name: `u${nextId}`, avatar: '' };
  const joined = new Set();
  socket.on('message', (data) => {
    let f;
    try {
      f = JSON.parse(data.toString());
    } catch {
      return void socket.send(s({ type: 'error', code: 40001, message: 'frame: is not valid JSON' }));
    }
    if (f.type === 'join') {
      let r = rooms.get(f.room);
      if (!r) rooms.set(f.room, (r = { sockets: new Set(), seq: 0 }));
      r.sockets.add(socket);
      joined.add(f.room);
      socket.send(s({ type: 'joined', room: f.room, user, last_seq: r.seq }));
      socket.send(s({ type: 'presence', room: f.room, online: [], count: r.sockets.size }));
    } else if (f.type === 'send') {
      const r = rooms.get(f.room);
      if (!r || !joined.has(f.room)) return void socket.send(s({ type: 'error', code: 40901, message: `room ${f.room}: join the room before sending to it` }));
      const seq = ++r.seq;
      const frame = `{"type":"message","room":${f.room},"seq":${seq},"id":${seq},"from":{"id":${user.id},"name":${s(user.name)},"avatar":""},"content":${s(f.content)},"created_at":${Date.now()},"client_msg_id":${s(f.client_msg_id)}}`;
      for (const member of r.sockets) member.send(frame);
      socket.send(s({ type: 'ack', client_msg_id: f.client_msg_id, seq, room: f.room }));
    } else if (f.type === 'leave') {
      rooms.get(f.room)?.sockets.delete(socket);
      joined.delete(f.room);
    } else if (f.type === 'ping') {
      socket.send('{"type":"pong"}');
    }
  });
  socket.on('close', () => {
    for (const room of joined) rooms.get(room)?.sockets.delete(socket);
  });
});

server.listen(Number(process.env.PORT ?? 8080), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
