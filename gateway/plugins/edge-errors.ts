// Requests that fail before any route or error handler sees them, answered in the API's own
// format instead of Fastify's ({error, message, statusCode}) or Node's (an empty 400):
//
// - frameworkErrors: the router could not take the URL (bad percent-encoding, a path parameter
//   over the router's limit). Fastify builds a request and reply for these.
// - clientError: Node's HTTP parser refused the bytes (raw UTF-8 or a control character in the
//   URL, a request line and headers over 16 KB, a malformed header, a repeated Content-Length, a
//   bad chunk, a timeout). There is no request or reply: the answer is written to the socket,
//   which is then closed, as Node itself does.
//
// The format follows the path: the Douyin envelope (HTTP 200, as every Douyin error) under
// /douyin/ except its blob route, {code, message} with the code's HTTP status everywhere else.
// For a parser error the path is read from the start of the bytes the parser was given; when
// they do not start with the request line (a request split over many packets) the answer is
// {code, message}.
import type { Socket } from 'node:net';
import { STATUS_CODES, maxHeaderSize as NODE_MAX_HEADER_SIZE } from 'node:http';
import type { FastifyBaseLogger, FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Code, SurgeError, codeInfo } from '#kit/errors';
import { JSON_TYPE, errorJson, statusMessage } from '../douyin/http/envelope.js';
import { BLOB_PREFIX } from '../douyin/routes/context.js';

/**
 * The longest path parameter the router accepts (Fastify's default, kept): ids are at most 16
 * digits; a longer segment is refused before any route runs.
 */
export const MAX_PARAM_LENGTH = 100;

type Face = 'douyin' | 'api';

const DOUYIN = '/douyin/';

export function faceOf(url: string): Face {
  return url.startsWith(DOUYIN) && !url.startsWith(BLOB_PREFIX) ? 'douyin' : 'api';
}

/** The status and body that answer `e` on a face. */
export function edgeAnswer(e: SurgeError, face: Face): { status: number; body: string } {
  if (face === 'douyin') return { status: 200, body: errorJson(e.code, statusMessage(e), '}') };
  return { status: codeInfo[e.code].http, body: JSON.stringify(e.toJSON()) };
}

/** Fastify's frameworkErrors option: a URL the router could not take. */
export function frameworkErrors(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const e =
    err.code === 'FST_ERR_BAD_URL'
      ? new SurgeError(Code.InvalidArgument, 'the URL is malformed (bad percent-encoding)')
      : err.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? new SurgeError(Code.InvalidArgument, `the URL: a path parameter is longer than the limit of ${MAX_PARAM_LENGTH} characters`)
        : new SurgeError(Code.InvalidArgument, 'the request is malformed');
  const { status, body } = edgeAnswer(e, faceOf(request.url));
  // No hook ran (the URL failed before routing): the headers the request guard gives every reply.
  void reply.code(status).header('content-type', JSON_TYPE).header('x-content-type-options', 'nosniff').header('x-request-id', request.id).send(body);
}

/** What Node's HTTP parser refused, as a SurgeError naming the part and, for sizes, the limit. */
export function describeClientError(err: { code?: string }, maxHeaderSize: number): SurgeError {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return new SurgeError(Code.PayloadTooLarge, `the URL and headers: are larger than the limit of ${Math.round(maxHeaderSize / 1024)} KB`, { details: { limit: maxHeaderSize } });
    case 'HPE_INVALID_URL':
      return new SurgeError(Code.InvalidArgument, 'the URL: holds a character that must be percent-encoded (a space, a control character or a byte above 0x7F); send UTF-8 as %-escapes');
    case 'HPE_INVALID_HEADER_TOKEN':
      return new SurgeError(Code.InvalidArgument, 'a header: has a malformed name or value');
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
    case 'HPE_INVALID_CONTENT_LENGTH':
      return new SurgeError(Code.InvalidArgument, 'Content-Length: is malformed or repeated');
    case 'HPE_INVALID_TRANSFER_ENCODING':
      return new SurgeError(Code.InvalidArgument, 'Transfer-Encoding: is not chunked, or is sent with Content-Length');
    case 'HPE_INVALID_CHUNK_SIZE':
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return new SurgeError(Code.InvalidArgument, 'Transfer-Encoding: the chunked body is malformed');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      // There is no 408 code: the client was too slow, which is its mistake, not the server's.
      return new SurgeError(Code.InvalidArgument, 'the request did not arrive in time');
    default:
      return new SurgeError(Code.InvalidArgument, 'the request is not well-formed HTTP/1.1 (request line or headers)');
  }
}

/** The path of the request line the packet starts with, or '' when it does not start with one. */
function pathOfPacket(packet: unknown): string {
  if (!Buffer.isBuffer(packet)) return '';
  const head = packet.toString('latin1', 0, Math.min(packet.length, 64));
  return /^[A-Z]+ (\/\S*)/.exec(head)?.[1] ?? '';
}

/**
 * Fastify's clientErrorHandler option: answers on the socket, then closes it. maxHeaderSize is
 * the server's limit on the request line and headers (Node's default, 16 KB, unless changed).
 */
export function clientErrorHandler(o: { maxHeaderSize?: number; log: Pick<FastifyBaseLogger, 'debug'> }) {
  const maxHeaderSize = o.maxHeaderSize ?? NODE_MAX_HEADER_SIZE;
  return (err: Error & { code?: string; rawPacket?: unknown }, socket: Socket): void => {
    // The client went away: nobody to answer.
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    // Node's own rule (socketOnError): write only when no response on this socket has started,
    // or the answer would corrupt it.
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent: boolean } | null })._httpMessage;
    if (socket.writable && !inFlight?.headersSent) {
      const e = describeClientError(err, maxHeaderSize);
      const { status, body } = edgeAnswer(e, faceOf(pathOfPacket(err.rawPacket)));
      socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: ${JSON_TYPE}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
    }
    // The logger's err serializer leaves out the raw bytes (they hold query strings and headers).
    o.log.debug({ err }, 'the HTTP parser refused a request');
    socket.destroy();
  };
}
