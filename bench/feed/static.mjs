// The feed's baseline: the least a Node HTTP server can do to answer with a feed page. It serves
// the exact bytes of one captured Surge feed reply (BODY_FILE), with the same content type
// (CONTENT_TYPE), from one Buffer built once at start, whatever the request.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const body = readFileSync(process.env.BODY_FILE);
const headers = { 'content-type': process.env.CONTENT_TYPE ?? 'application/json; charset=utf-8', 'content-length': body.length };
const port = Number(process.env.PORT ?? 0);

const server = createServer((_req, res) => {
  res.writeHead(200, headers);
  res.end(body);
});
server.listen(port, '127.0.0.1', () => process.stdout.write(`static feed listening on ${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
process.on('SIGINT', () => server.close(() => process.exit(0)));
