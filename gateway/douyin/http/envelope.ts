// The Douyin reply envelope: every reply is a JSON object that starts with status_code (0 ok,
// else a Surge code) and status_msg. Replies are built as strings by concatenation so a reply
// costs one JSON.stringify of the route's own fields, no object spread and no schema.
import { Code, type SurgeError } from '#kit/errors';

export const JSON_TYPE = 'application/json; charset=utf-8';

const OK_HEAD = '{"status_code":0,"status_msg":"ok"';

/**
 * The fields of an object as JSON without its opening brace ("…}"), or "}" for no fields: the
 * tail appended after status_code/status_msg.
 */
export function jsonTail(fields: object): string {
  const json = JSON.stringify(fields);
  if (typeof json !== 'string' || json.charCodeAt(0) !== 0x7b /* { */) throw new TypeError('a Douyin reply must be a JSON object');
  return json.length === 2 ? '}' : `,${json.slice(1)}`;
}

/** A success reply: status_code 0, status_msg "ok", then the fields. Handlers may prebuild replies with this. */
export function okJson(fields: object): string {
  return OK_HEAD + jsonTail(fields);
}

/** The start of a success reply whose first field is `video_list`, for replies assembled from cached bytes. */
export const OK_LIST = `${OK_HEAD},"video_list":`;

/** An error reply: the code and message, then the route's empty reply (its precomputed tail). */
export function errorJson(code: Code, message: string, emptyTail: string): string {
  return `{"status_code":${code},"status_msg":${JSON.stringify(message)}${emptyTail}`;
}

/** What a person is told: the SurgeError's message, except Internal which never leaks a cause. */
export function statusMessage(e: SurgeError): string {
  return e.code === Code.Internal ? 'internal error' : e.message;
}
