// ERROR frames: a failed call keeps its stable Surge code, its message and its details across
// the wire. Details are typed (string, number, boolean) so they come back as they were sent.
import { Code, SurgeError, type ErrorDetails } from '#kit/errors';
import { type BodyReader, header, HEADER_BYTES, Kind, ProtocolError, varintSize, writeVarint } from './frame.js';

const DetailType = { String: 0, Number: 1, Boolean: 2 } as const;

export function encodeError(version: number, id: number, err: SurgeError): Buffer {
  const msg = Buffer.from(err.message, 'utf8');
  const entries = Object.entries(err.details ?? {}).map(([k, v]) => [Buffer.from(k, 'utf8'), v] as const);
  let size = HEADER_BYTES + 4 + varintSize(msg.length) + msg.length + varintSize(entries.length);
  const strings = entries.map(([k, v]) => {
    const s = typeof v === 'string' ? Buffer.from(v, 'utf8') : undefined;
    size += varintSize(k.length) + k.length + 1 + (s ? varintSize(s.length) + s.length : typeof v === 'number' ? 8 : 1);
    return s;
  });
  const buf = Buffer.allocUnsafe(size);
  header(buf, size - 4, version, Kind.Error, id);
  buf.writeUInt32BE(err.code, 10);
  let at = writeVarint(buf, msg.length, 14);
  at += msg.copy(buf, at);
  at = writeVarint(buf, entries.length, at);
  entries.forEach(([k, v], i) => {
    at = writeVarint(buf, k.length, at);
    at += k.copy(buf, at);
    const s = strings[i];
    if (s) {
      buf[at++] = DetailType.String;
      at = writeVarint(buf, s.length, at);
      at += s.copy(buf, at);
    } else if (typeof v === 'number') {
      buf[at++] = DetailType.Number;
      at = buf.writeDoubleBE(v, at);
    } else {
      buf[at++] = DetailType.Boolean;
      buf[at++] = v ? 1 : 0;
    }
  });
  return buf;
}

export function decodeError(r: BodyReader): SurgeError {
  const code = r.u32();
  const message = r.string();
  const count = r.varint();
  let details: Record<string, string | number | boolean> | undefined;
  for (let i = 0; i < count; i++) {
    details ??= {};
    const key = r.string();
    const type = r.u8();
    if (type === DetailType.String) details[key] = r.string();
    else if (type === DetailType.Number) details[key] = r.f64();
    else if (type === DetailType.Boolean) details[key] = r.u8() !== 0;
    else throw new ProtocolError(Code.InvalidArgument, `unknown error detail type ${type}`);
  }
  return SurgeError.fromWire(code, message, details as ErrorDetails | undefined);
}

