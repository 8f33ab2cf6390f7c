// The baseline: the least a Node HTTP server can do for a JSON reply. Surge's figures are read
// as a fraction of this one's, measured on the same machine in the same minutes.
import { createServer } from 'node:http';

const body = JSON.stringify({ hello: 'world' });
const port = Number(process.env.PORT ?? 0);

const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.listen(port, '127.0.0.1', () => process.stdout.write(`hello listening on ${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
process.on('SIGINT', () => server.close(() => process.exit(0)));
