// A trace collector for tests: an HTTP server taking OTLP/HTTP JSON exports (what
// @opentelemetry/exporter-trace-otlp-http sends), keeping every span with the process that
// exported it. Point tracing.otlpUrl at `url`.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CollectedSpan {
  /** service.name of the exporting process (surge, surge-gateway, surge-video, …). */
  process: string;
  traceId: string;
  spanId: string;
  /** '' for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP SpanKind: 2 server, 3 client. */
  kind: number;
  durationMs: number;
  attributes: Record<string, unknown>;
}

export interface Collector {
  readonly url: string;
  readonly spans: CollectedSpan[];
  /** Resolves with the spans once `done(spans)` holds, or rejects after `timeoutMs`. */
  until(done: (spans: CollectedSpan[]) => boolean, timeoutMs?: number): Promise<CollectedSpan[]>;
  close(): Promise<void>;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
}
interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
  attributes?: OtlpAttribute[];
}
interface OtlpExport {
  resourceSpans?: { resource?: { attributes?: OtlpAttribute[] }; scopeSpans?: { spans?: OtlpSpan[] }[] }[];
}

const valueOf = (v: OtlpValue): unknown => v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : (v.boolValue ?? v.doubleValue));
const attributes = (list: OtlpAttribute[] = []) => Object.fromEntries(list.map((a) => [a.key, valueOf(a.value)]));

export async function startCollector(): Promise<Collector> {
  const spans: CollectedSpan[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpExport;
      for (const resource of body.resourceSpans ?? []) {
        const process = String(attributes(resource.resource?.attributes)['service.name'] ?? '');
        for (const scope of resource.scopeSpans ?? []) {
          for (const s of scope.spans ?? []) {
            spans.push({
              process,
              traceId: s.traceId,
              spanId: s.spanId,
              parentSpanId: s.parentSpanId ?? '',
              name: s.name,
              kind: s.kind,
              durationMs: (Number(BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano)) / 1e6),
              attributes: attributes(s.attributes),
            });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    spans,
    async until(done, timeoutMs = 15_000) {
      const end = Date.now() + timeoutMs;
      while (!done(spans)) {
        if (Date.now() > end) throw new Error(`spans never arrived; got ${JSON.stringify(spans.map((s) => `${s.process} ${s.name}`))}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return spans;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The span's ancestors, nearest first, among `spans` (stops where a parent is missing). */
export function ancestry(span: CollectedSpan, spans: readonly CollectedSpan[]): CollectedSpan[] {
  const out: CollectedSpan[] = [];
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  for (let p = byId.get(span.parentSpanId); p && out.length < 50; p = byId.get(p.parentSpanId)) out.push(p);
  return out;
}
