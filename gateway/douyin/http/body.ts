// Reading a Douyin request body from the raw request, on any method (Fastify never reads the
// body of a GET, and clients send forms with GET): url-encoded and JSON bodies are collected up
// to the form limit and pass the shape limits of the /api/v1 face (fields, depth; see
// plugins/body-shape.ts) before they are parsed; multipart bodies stream through busboy (see
// multipart.ts).
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { Code, SurgeError, errors } from '#kit/errors';
import { checkFormFields, checkJsonShape } from '../../plugins/body-shape.js';
import { readAll } from '../../plugins/raw-body.js';
import { readMultipart, type UploadTarget } from './multipart.js';
import type { ParamSource, UploadedFile } from './params.js';

export interface ReadBody {
  fields: ParamSource;
  upload?: UploadedFile;
}

const ACCEPTED = 'send application/x-www-form-urlencoded, multipart/form-data or application/json';

/** Whether the request carries a body at all; one without costs no further work. */
export function hasBody(headers: IncomingHttpHeaders): boolean {
  const length = headers['content-length'];
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** The media type of a Content-Type header, lower case, without parameters. */
function mediaType(header: string): string {
  const semi = header.indexOf(';');
  return (semi === -1 ? header : header.slice(0, semi)).trim().toLowerCase();
}

/**
 * The body's parameters (and file, with an upload target). Rejects with a SurgeError; after a
 * rejection the rest of the body is left unread (the caller answers with Connection: close).
 */
export async function readBody(raw: IncomingMessage, formLimitBytes: number, upload: UploadTarget | undefined): Promise<ReadBody> {
  const header = raw.headers['content-type'];
  if (header === undefined) throw new SurgeError(Code.UnsupportedMediaType, `Content-Type: is missing; ${ACCEPTED}`);
  const type = mediaType(header);
  switch (type) {
    case 'application/x-www-form-urlencoded':
      return { fields: formFields(await readAll(raw, formLimitBytes)) };
    case 'application/json':
      return { fields: jsonFields(await readAll(raw, formLimitBytes)) };
    case 'multipart/form-data':
      return readMultipart(raw, formLimitBytes, upload);
    default:
      throw new SurgeError(Code.UnsupportedMediaType, `Content-Type: ${JSON.stringify(type.slice(0, 80))} is not accepted; ${ACCEPTED}`);
  }
}

/**
 * The fields of a url-encoded body. Over the field limit the body is refused: node:querystring
 * would keep the first 1,000 and drop the rest without a word.
 */
function formFields(body: Buffer): ParamSource {
  const text = body.toString('utf8');
  checkFormFields(text);
  return parseQuery(text, '&', '=', { maxKeys: 0 });
}

/** A flat JSON object of strings, numbers and booleans as parameters; null counts as absent. */
function jsonFields(body: Buffer): ParamSource {
  const text = body.toString('utf8');
  checkJsonShape(text);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw errors.invalid('body', 'is not valid JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw errors.invalid('body', 'must be a JSON object of parameters');
  const fields: Record<string, string> = Object.create(null);
  for (const [name, v] of Object.entries(value)) {
    if (typeof v === 'string') fields[name] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') fields[name] = String(v);
    else if (v !== null) throw errors.invalid(name, 'must be a string, number or boolean');
  }
  return fields;
}
