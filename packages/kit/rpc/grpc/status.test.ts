import { describe, expect, it } from 'vitest';
import { Metadata } from '@grpc/grpc-js';
import { allCodes, Code, codeInfo, GrpcStatus, SurgeError } from '#kit/errors';
import { fromGrpcMetadata, toGrpcMetadata } from './metadata.js';
import { asciiJson, codeFromGrpcStatus, fromGrpcError, toGrpcError } from './status.js';

describe('gRPC status mapping', () => {
  it('every Surge code mapped out and back without a trailer lands on a code with the same gRPC status', () => {
    // The one exception, on purpose: OUT_OF_RANGE from a foreign server means a value out of range, not a body too large.
    for (const code of allCodes.filter((c) => c !== Code.PayloadTooLarge)) {
      const back = codeFromGrpcStatus(codeInfo[code].grpc);
      expect(codeInfo[back].grpc, `${codeInfo[code].name} → ${codeInfo[back].name}`).toBe(codeInfo[code].grpc);
    }
  });

  it('every non-OK gRPC status has a Surge code; unknown numbers are Internal', () => {
    for (const [name, s] of Object.entries(GrpcStatus)) {
      if (s === GrpcStatus.OK) continue;
      expect(allCodes, name).toContain(codeFromGrpcStatus(s));
    }
    expect(codeFromGrpcStatus(GrpcStatus.OUT_OF_RANGE)).toBe(Code.InvalidArgument);
    expect(codeFromGrpcStatus(99)).toBe(Code.Internal);
  });

  it('with the trailer every code survives the trip exactly, details included', () => {
    for (const code of allCodes) {
      const out = toGrpcError(new SurgeError(code, `问题 ${code}`, { details: { n: code, ok: true, s: 'é' } }));
      const back = fromGrpcError(Object.assign(new Error(out.details), { code: out.code!, details: out.details!, metadata: out.metadata! }), 'x');
      expect([back.code, back.message, back.details]).toEqual([code, `问题 ${code}`, { n: code, ok: true, s: 'é' }]);
    }
  });

  it('a garbled surge-details trailer keeps the code and message', () => {
    const md = new Metadata();
    md.set('surge-code', String(Code.NotFound));
    md.set('surge-details', '{not json');
    const e = fromGrpcError(Object.assign(new Error('x'), { code: GrpcStatus.NOT_FOUND, details: 'user 1 not found', metadata: md }), 'x');
    expect([e.code, e.message, e.details]).toEqual([Code.NotFound, 'user 1 not found', undefined]);
  });

  it('details JSON is printable ASCII and parses back to the same value', () => {
    const value = { city: '北京', emoji: '🙂', quote: '"\\\n' };
    const text = asciiJson(value);
    expect(text).toMatch(/^[\x20-\x7e]*$/);
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('gRPC metadata', () => {
  it('keeps the caller text metadata and drops what belongs to the transport', () => {
    const md = new Metadata();
    md.set('x-request-id', 'r-1');
    md.set('traceparent', '00-abc-def-01');
    md.set('user-agent', 'grpc-node-js/1.14');
    md.set('grpc-previous-rpc-attempts', '1');
    md.set('trace-bin', Buffer.from([1, 2]));
    expect(fromGrpcMetadata(md)).toEqual({ 'x-request-id': 'r-1', traceparent: '00-abc-def-01' });
  });

  it('refuses keys and values gRPC cannot carry, naming the key', () => {
    expect(toGrpcMetadata({ 'x-request-id': 'r-1' }).get('x-request-id')).toEqual(['r-1']);
    expect(() => toGrpcMetadata({ 'x-name': '张三' })).toThrow(expect.objectContaining({ code: Code.InvalidArgument, message: expect.stringContaining('x-name') }));
    expect(() => toGrpcMetadata({ 'X-Upper': 'v' })).toThrow(expect.objectContaining({ code: Code.InvalidArgument, message: expect.stringContaining('X-Upper') }));
  });
});
