// The embedded transport: a call is a function call into the server table, through the same
// server interceptors a network call would meet. With `codecCheck`, request and reply are
// encoded and decoded on the way, so a value that could not cross the wire (a Date, a bigint,
// undefined in a field) fails in embedded tests as it would between processes.
import { isDeepStrictEqual } from 'node:util';
import { Code, SurgeError } from '#kit/errors';
import { decodeMessage, encodeMessage, WireWriter } from './codec/index.js';
import type { RegisteredMethod, RpcServer } from './server.js';
import type { Transport, UnaryCall } from './types.js';

export interface InProcessOptions {
  /** Round-trip every message through its protobuf codec. Default false (tests turn it on). */
  codecCheck?: boolean;
}

export function createInProcessTransport(server: RpcServer, options: InProcessOptions = {}): Transport {
  const codecCheck = options.codecCheck ?? false;
  const writer = new WireWriter(1024);
  // Found once per method through maps keyed by the service and method names a client passes
  // (the same strings on every call), not by a "service/method" key built and hashed per call.
  // Not by the method's definition object: two services may share one (a relay of another's API).
  const targets = new Map<string, Map<string, RegisteredMethod>>();
  const targetOf = (call: UnaryCall): RegisteredMethod | undefined => {
    let methods = targets.get(call.service);
    if (methods === undefined) targets.set(call.service, (methods = new Map()));
    let target = methods.get(call.method);
    if (target === undefined) {
      target = server.lookup(call.service, call.method);
      if (target !== undefined) methods.set(call.method, target);
    }
    return target;
  };
  return {
    unary(call: UnaryCall): Promise<unknown> {
      const target = targetOf(call);
      if (!target) return Promise.reject(new SurgeError(Code.NotFound, `no service answers ${call.service}/${call.method}`));
      if (codecCheck) return checkedCall(target, call, writer);
      try {
        return target.invoke(call);
      } catch (err) {
        // A handler chain that throws before its promise still fails as a rejection.
        return Promise.reject(err);
      }
    },
  };
}

async function checkedCall(target: RegisteredMethod, call: UnaryCall, writer: WireWriter): Promise<unknown> {
  const def = target.definition;
  const request = roundTrip(def.requestType, call.request, `${call.method} request`, writer);
  const reply = await target.invoke({ ...call, request });
  return roundTrip(def.responseType, reply, `${call.method} reply`, writer);
}

// The transports' own codec path, so embedded tests check what the framed and gRPC transports send.
function roundTrip(codec: UnaryCall['definition']['requestType'], value: unknown, what: string, writer: WireWriter): unknown {
  let bytes: Uint8Array;
  try {
    bytes = encodeMessage(codec, value, writer);
  } catch (cause) {
    throw new SurgeError(Code.Internal, `${what} cannot be encoded`, { cause });
  }
  const back = decodeMessage(codec, bytes);
  // A value that changes on the way (a Date turned string, a bigint turned number, a missing
  // field turned default) would behave differently between processes: fail here instead. An
  // absent optional field and one present as undefined read alike, so they compare alike.
  if (!isDeepStrictEqual(definedOnly(back), definedOnly(value))) {
    throw new SurgeError(Code.Internal, `${what} does not survive the wire unchanged`, { details: { sent: safeJson(value), received: safeJson(back) } });
  }
  return back;
}

/** Plain objects without their undefined-valued keys, at every depth (arrays, Uint8Arrays and the rest kept as they are). */
function definedOnly(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(definedOnly);
  if (v === null || typeof v !== 'object' || Object.getPrototypeOf(v) !== Object.prototype) return v;
  return Object.fromEntries(Object.entries(v).flatMap(([k, x]) => (x === undefined ? [] : [[k, definedOnly(x)]])));
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x)).slice(0, 500);
  } catch {
    return String(v);
  }
}
