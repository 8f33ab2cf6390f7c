// Raw HTTP/1.1 bytes over a socket, for probes of what inject() and fetch() never send: requests
// Node's HTTP parser refuses (raw UTF-8 in a URL, oversized headers, malformed framing) and
// hand-set Host headers. Resolves with the answer once the server closes the connection.
import { connect } from 'node:net';

export interface RawAnswer {
  status: number;
  /** The Content-Type header, '' when absent. */
  type: string;
  body: string;
}

export function rawHttp(baseUrl: string, request: string | Buffer): Promise<RawAnswer> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(request));
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString('utf8')));
    socket.on('error', reject);
    socket.on('close', () => {
      const split = text.indexOf('\r\n\r\n');
      const head = split === -1 ? text : text.slice(0, split);
      const body = split === -1 ? '' : text.slice(split + 4);
      resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1]), type: /\r\ncontent-type: ([^\r]*)/i.exec(head)?.[1] ?? '', body });
    });
  });
}
