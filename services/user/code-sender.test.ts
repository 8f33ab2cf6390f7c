import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Code, SurgeError } from '#kit/errors';
import { createLogger } from '#kit/observability';
import { rejectionOf } from '#kit/testing';
import { disabledCodeSender, logCodeSender, webhookCodeSender } from './code-sender.js';

const TOKEN = 'sms-gateway-token-'.padEnd(40, 'q');

/** A real SMS gateway stand-in: records what it received, answers per the mobile number's last digit. */
interface Received {
  authorization: string | undefined;
  contentType: string | undefined;
  body: unknown;
}
let server: Server;
let base: string;
const received: Received[] = [];

beforeAll(async () => {
  server = createServer(async (req: IncomingMessage, res) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    const body = JSON.parse(text) as { mobile: string };
    received.push({ authorization: req.headers.authorization, contentType: req.headers['content-type'], body });
    if (body.mobile.endsWith('0')) return void res.writeHead(204).end();
    if (body.mobile.endsWith('5')) return void res.writeHead(500).end('boom');
    // '9': never answers in time.
    setTimeout(() => res.writeHead(204).end(), 2000).unref();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

/** The error and every cause under it, as text: what a log line of it could show. */
const everything = (err: unknown): string => {
  const parts: string[] = [];
  for (let e = err as { message?: string; cause?: unknown; stack?: string } | undefined; e; e = e.cause as typeof e) parts.push(String(e.message), String(e.stack), JSON.stringify(e));
  return parts.join('\n');
};

const failure = (p: Promise<unknown>): Promise<SurgeError> => rejectionOf(p);

describe('webhook code sender', () => {
  it('POSTs {mobile, code, ttlSeconds} as JSON with the bearer token', async () => {
    await webhookCodeSender({ url: `${base}/send`, token: TOKEN }).send('+8613800138000', '123456', 1800);
    expect(received.at(-1)).toEqual({ authorization: `Bearer ${TOKEN}`, contentType: 'application/json', body: { mobile: '+8613800138000', code: '123456', ttlSeconds: 1800 } });
  });

  it('sends no Authorization header without a token', async () => {
    await webhookCodeSender({ url: `${base}/send` }).send('13800138010', '654321', 60);
    expect(received.at(-1)?.authorization).toBeUndefined();
  });

  it.each([
    ['a gateway answering 500', '13800138005', `/send`, 1500],
    ['a gateway that does not answer in time', '13800138009', `/send`, 200],
    ['a gateway that refuses connections', '13800138000', 'closed', 1500],
  ])('%s is Unavailable, and neither the code nor the token is in the error or its causes', async (_what, mobile, path, timeoutMs) => {
    const url = path === 'closed' ? 'http://127.0.0.1:1/send' : `${base}${path}`;
    const started = Date.now();
    const err = await failure(webhookCodeSender({ url, token: TOKEN, timeoutMs }).send(mobile, '987123', 60));
    expect(err).toBeInstanceOf(SurgeError);
    expect(err.code).toBe(Code.Unavailable);
    expect(err.message).toBe('the SMS gateway is unavailable, try again shortly');
    const text = everything(err);
    expect(text).not.toContain('987123');
    expect(text).not.toContain(TOKEN);
    // Bounded by the sender's own time limit, not the gateway's 2 s.
    expect(Date.now() - started).toBeLessThan(1500);
  });
});

describe('other senders', () => {
  it("'off' refuses with FailedPrecondition, saying mobile sign-in is not configured", async () => {
    const err = await failure(disabledCodeSender().send('13800138000', '111111', 60));
    expect(err.code).toBe(Code.FailedPrecondition);
    expect(err.message).toMatch(/mobile sign-in is not configured/);
  });

  it('the log sender writes the code at debug level only: an info-level log never holds it', async () => {
    const lines = (level: string) => {
      const out: string[] = [];
      return { out, log: createLogger({ level, destination: { write: (line: string) => out.push(line) } }) };
    };
    const info = lines('info');
    await logCodeSender(info.log).send('13800138000', '424242', 60);
    expect(info.out.join('')).not.toContain('424242');
    const debug = lines('debug');
    await logCodeSender(debug.log).send('13800138000', '424242', 60);
    expect(debug.out.join('')).toContain('"code":"424242"');
    expect(debug.out.join('')).not.toContain('13800138000');
  });
});
