// A trace collector for drills: an HTTP server taking OTLP/HTTP JSON exports (what Surge's
// `tracing.exporter: otlp` sends), keeping every span with the process that exported it, and
// drawing one trace as a tree. Each process can be given its own endpoint (urlFor(label)), so
// the collector also knows which process sent a span: Surge's spans name the service
// (service.name) but not the instance, and two instances of one service look alike otherwise.
import { createServer } from 'node:http';

/** OTLP SpanKind numbers, as the JSON encoding sends them. */
export const KIND = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];

const valueOf = (v = {}) => v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : (v.boolValue ?? v.doubleValue ?? (v.arrayValue ? (v.arrayValue.values ?? []).map(valueOf) : undefined)));
const attributesOf = (list = []) => Object.fromEntries(list.map((a) => [a.key, valueOf(a.value)]));
const nanos = (n) => BigInt(n ?? 0);

/**
 * The spans of one OTLP/HTTP JSON export body (an ExportTraceServiceRequest), flattened: process
 * (service.name), via (the label of the endpoint it came to), ids, name, kind, startMs (since the
 * epoch), durationMs, attributes, resource (the exporting process's attributes) and status code
 * (0 unset, 1 ok, 2 error).
 */
export function parseExport(body, via = '') {
  const out = [];
  for (const resource of body.resourceSpans ?? []) {
    const resourceAttributes = attributesOf(resource.resource?.attributes);
    const process = String(resourceAttributes['service.name'] ?? '');
    for (const scope of resource.scopeSpans ?? []) {
      for (const s of scope.spans ?? []) {
        const start = nanos(s.startTimeUnixNano);
        out.push({
          process,
          via,
          traceId: s.traceId,
          spanId: s.spanId,
          parentSpanId: s.parentSpanId ?? '',
          name: s.name,
          kind: s.kind ?? 0,
          startMs: Number(start / 1000n) / 1000,
          durationMs: Number(nanos(s.endTimeUnixNano) - start) / 1e6,
          attributes: attributesOf(s.attributes),
          resource: resourceAttributes,
          status: s.status?.code ?? 0,
        });
      }
    }
  }
  return out;
}

/**
 * The spans of one trace in tree order: each span followed by its children (by start time), with
 * its depth. Roots are spans whose parent is not among `spans` (the true root has none; any other
 * is a span whose parent never arrived, flagged `orphan`).
 */
export function spanTree(spans) {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map();
  for (const s of spans) {
    const key = ids.has(s.parentSpanId) ? s.parentSpanId : '';
    if (!children.has(key)) children.set(key, []);
    children.get(key).push(s);
  }
  for (const list of children.values()) list.sort((a, b) => a.startMs - b.startMs);
  const out = [];
  const walk = (parentId, depth) => {
    for (const span of children.get(parentId) ?? []) {
      out.push({ span, depth, orphan: depth === 0 && span.parentSpanId !== '' });
      walk(span.spanId, depth + 1);
    }
  };
  walk('', 0);
  return out;
}

/** Starts the collector on a free loopback port. close() stops it. */
export async function startCollector() {
  const spans = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      // /<label>/v1/traces → label; the plain /v1/traces → ''.
      const via = decodeURIComponent(new URL(req.url, 'http://x').pathname.replace(/\/?v1\/traces$/, '').replace(/^\//, ''));
      if (req.method !== 'POST' || !String(req.headers['content-type']).includes('json')) {
        res.writeHead(415, { 'content-type': 'text/plain' }).end('this collector takes OTLP/HTTP JSON only\n');
        return;
      }
      try {
        spans.push(...parseExport(JSON.parse(Buffer.concat(chunks).toString('utf8')), via));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } catch (err) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end(`${err.message}\n`);
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    url: `${base}/v1/traces`,
    /** An endpoint of its own for one process: spans sent there carry `via: label`. */
    urlFor: (label) => `${base}/${encodeURIComponent(label)}/v1/traces`,
    spans,
    /** The spans of one trace collected so far. */
    trace: (traceId) => spans.filter((s) => s.traceId === traceId),
    /** Resolves with the spans once done(spans) holds; rejects after timeoutMs. */
    async until(done, timeoutMs = 15_000) {
      const end = Date.now() + timeoutMs;
      while (!done(spans)) {
        if (Date.now() > end) throw new Error(`the spans waited for never arrived (${spans.length} spans collected)`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return spans;
    },
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
