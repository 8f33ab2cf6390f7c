import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, FLUSH_EVERY_MS } from './logger.js';

/** A logger writing into memory, and the lines it wrote. */
function memoryLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { log: createLogger({ level: 'info', destination }), text: () => lines.join('') };
}

const SECRET = 'hunter2-the-password';

/** Whether the text holds the secret, or its first 7 characters (JSON.parse quotes 10 after the error), also inside a serialized Buffer. */
function leaks(text: string): boolean {
  const buffers = [...text.matchAll(/"data":\[([\d,]+)\]/g)].map((m) => Buffer.from(m[1]!.split(',').map(Number)).toString('latin1'));
  return [text, ...buffers].some((t) => t.includes(SECRET.slice(0, 7)));
}

/** Errors as they reach a log call: each carries the secret somewhere a serializer would copy it. */
function carriers(): [name: string, err: Error][] {
  const httpParse = Object.assign(new Error('Parse Error: Invalid header value char'), {
    code: 'HPE_INVALID_HEADER_TOKEN',
    // Node's HTTP parser attaches the bytes it read: the request line and headers, query string included.
    rawPacket: Buffer.from(`GET /douyin/user/login/?username=a&password=${SECRET} HTTP/1.1\r\nHost: x\r\n\r\n`),
  });
  let jsonError: Error;
  try {
    JSON.parse(`{"username":"a","password": ${SECRET}}`);
    throw new Error('unreachable');
  } catch (err) {
    jsonError = err as Error;
  }
  const wrapped = new Error('request failed', { cause: jsonError });
  const validation = Object.assign(new Error('body/password must match pattern'), { validation: [{ instancePath: '/password', data: SECRET }], body: { password: SECRET } });
  const details = Object.assign(new Error('bad sign-in'), { details: { field: 'password', password: SECRET }, headers: { authorization: `Bearer ${SECRET}`, cookie: `s=${SECRET}` } });
  const plainCause = Object.assign(new Error('outer'), { cause: { request: { token: SECRET } } });
  return [
    ['the raw packet of an HTTP parse error', httpParse],
    ["JSON.parse's message, which quotes the input", jsonError],
    ['a cause whose message quotes the input', wrapped],
    ['validation data and a body', validation],
    ['details and headers naming a credential', details],
    ['a cause that is a plain object', plainCause],
  ];
}

describe('logger', () => {
  it('writes a quiet process\'s last line within its flush period, without waiting for 4 KB more', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'surge-log-'));
    const file = join(dir, 'out.log');
    const fd = openSync(file, 'w');
    try {
      createLogger({ destination: fd }).info({ route: '/x' }, 'one line');
      const until = Date.now() + FLUSH_EVERY_MS * 10;
      while (!readFileSync(file, 'utf8').includes('one line') && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      expect(readFileSync(file, 'utf8')).toContain('"msg":"one line"');
    } finally {
      // The fd stays open: the destination's flush timer may still write to it (to the removed file, harmlessly).
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the leak check finds a secret in a serialized Buffer and in a quoted JSON snippet (control)', () => {
    expect(leaks(JSON.stringify({ raw: Buffer.from(`a=${SECRET}`) }))).toBe(true);
    expect(leaks('..."assword": hunter2-th"...')).toBe(true);
    expect(leaks('{"password":"[redacted]"}')).toBe(false);
  });

  it.each(carriers())('never writes a secret carried by an error: %s', (_name, err) => {
    const { log, text } = memoryLogger();
    log.error({ err }, 'request failed');
    log.error(err, 'request failed (error as the first argument)');
    const out = text();
    expect(out).toContain('request failed');
    expect(leaks(out), out).toBe(false);
    // The error is still useful: its type and stack are there.
    const line = JSON.parse(out.split('\n')[0]!);
    expect(line.err.type).toEqual(expect.any(String));
    expect(line.err.stack).toEqual(expect.any(String));
  });

  it('keeps what diagnoses an error: code, message, SQL text and the cause', () => {
    const { log, text } = memoryLogger();
    const cause = Object.assign(new Error("Table 'surge_user.users' doesn't exist"), { code: 'ER_NO_SUCH_TABLE', sql: 'select id from users where id = ?' });
    log.error({ err: new Error('load failed', { cause }) }, 'x');
    log.error({ err: cause }, 'x');
    const [first, second] = text().trim().split('\n').map((l) => JSON.parse(l));
    expect(first.err.message).toContain("Table 'surge_user.users' doesn't exist");
    expect(second.err).toMatchObject({ code: 'ER_NO_SUCH_TABLE', sql: 'select id from users where id = ?' });
  });

  it('still redacts top-level secrets of a log call', () => {
    const { log, text } = memoryLogger();
    log.info({ password: SECRET, token: SECRET, user: 1 }, 'x');
    expect(leaks(text())).toBe(false);
    expect(JSON.parse(text()).user).toBe(1);
  });
});
