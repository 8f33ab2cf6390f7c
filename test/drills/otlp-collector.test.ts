// The drills' trace collector: OTLP/HTTP JSON exports flattened to spans (with the process and the
// endpoint that received them), and one trace drawn as a tree.
import { afterEach, describe, expect, it } from 'vitest';
import { parseExport, spanTree, startCollector, type CollectedSpan, type Collector } from '../../scripts/drills/otlp-collector.mjs';

const T = '4bf92f3577b34da6a3ce929d0e0e4736';
const span = (spanId: string, parentSpanId: string | undefined, name: string, kind: number, startMs: number, ms: number) => ({
  traceId: T,
  spanId,
  ...(parentSpanId === undefined ? {} : { parentSpanId }),
  name,
  kind,
  startTimeUnixNano: String(BigInt(startMs) * 1_000_000n),
  endTimeUnixNano: String(BigInt(startMs) * 1_000_000n + BigInt(Math.round(ms * 1e6))),
  attributes: [{ key: 'rpc.method', value: { stringValue: 'GetUsers' } }, { key: 'http.response.status_code', value: { intValue: '200' } }],
});
const exportOf = (service: string, spans: object[]) => ({
  resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] }, scopeSpans: [{ scope: { name: 'surge.kit.tracing' }, spans }] }],
});

describe('drills: OTLP/HTTP JSON collector', () => {
  it('flattens an export: process, endpoint label, ids, kind, times and attributes', () => {
    const [s] = parseExport({ ...exportOf('surge-user', [span('b1', 'a1', 'surge.user.v1.UserService/GetUsers', 2, 1_700_000_000_000, 150.25)]) }, 'user-2');
    expect(s).toEqual({
      process: 'surge-user',
      via: 'user-2',
      traceId: T,
      spanId: 'b1',
      parentSpanId: 'a1',
      name: 'surge.user.v1.UserService/GetUsers',
      kind: 2,
      startMs: 1_700_000_000_000,
      durationMs: 150.25,
      attributes: { 'rpc.method': 'GetUsers', 'http.response.status_code': 200 },
      resource: { 'service.name': 'surge-user' },
      status: 0,
    });
    expect(parseExport({})).toEqual([]);
  });

  it('draws a trace as a tree: children under parents by start time, a span whose parent is missing flagged', () => {
    const spans: CollectedSpan[] = [
      ...parseExport(exportOf('surge-user', [span('u', 'c2', 'GetUsers', 2, 1002, 150)])),
      ...parseExport(exportOf('surge-gateway', [span('root', undefined, 'GET /douyin/user/', 2, 1000, 160), span('c2', 'root', 'GetUsers', 3, 1001, 155), span('c1', 'root', 'IsFollowing', 3, 1000, 3)])),
      ...parseExport(exportOf('surge-relation', [span('lost', 'never-sent', 'IsFollowing', 2, 1001, 1)])),
    ];
    expect(spanTree(spans).map((r) => `${'  '.repeat(r.depth)}${r.span.spanId}${r.orphan ? ' (orphan)' : ''}`)).toEqual(['root', '  c1', '  c2', '    u', 'lost (orphan)']);
  });

  describe('over HTTP', () => {
    let collector: Collector | undefined;
    afterEach(async () => {
      await collector?.close();
      collector = undefined;
    });

    it('keeps the spans each endpoint receives, labelled by endpoint, and refuses what is not JSON', async () => {
      collector = await startCollector();
      const post = (url: string, body: string, type = 'application/json') => fetch(url, { method: 'POST', headers: { 'content-type': type }, body });
      expect((await post(collector.urlFor('user-2'), JSON.stringify(exportOf('surge-user', [span('u', 'c', 'GetUsers', 2, 1, 1)])))).status).toBe(200);
      expect((await post(collector.url, JSON.stringify(exportOf('surge-gateway', [span('c', undefined, 'GET /', 2, 1, 2)])))).status).toBe(200);
      expect((await post(collector.url, 'x', 'application/x-protobuf')).status).toBe(415);
      expect((await post(collector.url, '{not json')).status).toBe(400);
      expect(collector.trace(T).map((s) => [s.process, s.via])).toEqual([
        ['surge-user', 'user-2'],
        ['surge-gateway', ''],
      ]);
      await expect(collector.until((all) => all.length > 2, 100)).rejects.toThrow(/never arrived/);
    });
  });
});
