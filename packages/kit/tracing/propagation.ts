// W3C Trace Context (traceparent, tracestate) on plain string maps: RPC metadata, queue headers,
// HTTP headers. The propagator is used with explicit getters and setters and explicit contexts;
// nothing is registered globally, so two tracers in one process (or one test) never meet.
import { INVALID_TRACEID, ROOT_CONTEXT, TraceFlags, trace, type Context, type Span, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

export const TRACEPARENT = 'traceparent';
export const TRACESTATE = 'tracestate';

/** A carrier the getter can read: string maps, or Node's incoming headers (string arrays). */
export type TraceCarrier = Readonly<Record<string, string | readonly string[] | undefined>>;

const getter: TextMapGetter<TraceCarrier> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key] as string | string[] | undefined,
};

const setter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

// The propagator holds no state, so one instance serves every caller.
const w3c = new W3CTraceContextPropagator();

/** The remote parent a carrier names, as a Context to start a child span in (ROOT_CONTEXT if none or invalid). */
export function extractTraceContext(carrier: TraceCarrier): Context {
  if (carrier[TRACEPARENT] === undefined) return ROOT_CONTEXT; // most carriers: skip the parse
  return w3c.extract(ROOT_CONTEXT, carrier, getter);
}

/** Writes the span's (or context's span's) traceparent, and tracestate if it has one, into carrier. */
export function injectTraceContext(from: Span | Context, carrier: Record<string, string>): Record<string, string> {
  const ctx = isSpan(from) ? trace.setSpan(ROOT_CONTEXT, from) : from;
  w3c.inject(ctx, carrier, setter);
  return carrier;
}

/** Just the trace fields of a map (RPC metadata → queue headers, HTTP headers → RPC metadata). */
export function traceHeaders(carrier: TraceCarrier): Record<string, string> {
  const out: Record<string, string> = {};
  const parent = first(carrier[TRACEPARENT]);
  if (parent === undefined) return out;
  out[TRACEPARENT] = parent;
  const state = first(carrier[TRACESTATE]);
  if (state !== undefined) out[TRACESTATE] = state;
  return out;
}

/**
 * A copy of `carrier` whose trace fields now name `span`: the parent's traceparent and tracestate
 * are replaced, every other entry (request id, caller) is kept. The span is one this process
 * started, its ids already valid, so its traceparent is written directly: the propagator would
 * re-check both ids with regular expressions and wrap the span in a context first, which costs
 * more than the rest of an interceptor.
 */
export function withSpan(carrier: Readonly<Record<string, string>> | undefined, span: Span): Record<string, string> {
  const out: Record<string, string> = {};
  if (carrier) {
    for (const key in carrier) if (key !== TRACEPARENT && key !== TRACESTATE) out[key] = carrier[key]!;
  }
  const sc = span.spanContext();
  if (sc.traceId === INVALID_TRACEID) return out; // a no-op span names no trace
  out[TRACEPARENT] = `00-${sc.traceId}-${sc.spanId}-${sc.traceFlags === TraceFlags.SAMPLED ? '01' : flagsHex(sc.traceFlags)}`;
  const state = sc.traceState?.serialize();
  if (state) out[TRACESTATE] = state;
  return out;
}

function flagsHex(flags: number): string {
  return (flags & 0xff).toString(16).padStart(2, '0');
}

function first(v: string | readonly string[] | undefined): string | undefined {
  return typeof v === 'string' || v === undefined ? v : v[0];
}

function isSpan(x: Span | Context): x is Span {
  return typeof (x as Span).spanContext === 'function';
}
