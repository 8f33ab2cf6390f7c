import { describe, expect, it } from 'vitest';
import { Code, SurgeError, allCodes, codeInfo } from '#kit/errors';
import { describeFailure, isBusinessRefusal } from './failure.js';

describe('saga failure policy', () => {
  it('a non-retryable SurgeError is a business refusal; retryable codes, Internal, Cancelled and foreign errors are transient', () => {
    const refusals = allCodes.filter((code) => isBusinessRefusal(new SurgeError(code, 'x'))).map((code) => codeInfo[code].name);
    expect(refusals.sort()).toEqual(['AlreadyExists', 'FailedPrecondition', 'InvalidArgument', 'NotFound', 'PayloadTooLarge', 'PermissionDenied', 'QuotaExceeded', 'TokenExpired', 'Unauthenticated', 'UnsupportedMediaType']);
    expect(isBusinessRefusal(new Error('ECONNRESET'))).toBe(false);
    expect(isBusinessRefusal(Object.assign(new Error('aborted'), { name: 'AbortError' }))).toBe(false);
    expect(isBusinessRefusal('a string')).toBe(false);
  });

  it('describes a failure as its code and one bounded line; an Internal keeps its cause words for the operator', () => {
    expect(describeFailure(new SurgeError(Code.FailedPrecondition, 'sku-1: out of stock'))).toEqual({ code: Code.FailedPrecondition, message: 'sku-1: out of stock', details: '' });
    expect(describeFailure(new Error('line one\nline two'))).toEqual({ code: Code.Internal, message: 'internal: line one line two', details: '' });
    expect(describeFailure(new SurgeError(Code.Unavailable, 'x'.repeat(2000))).message).toHaveLength(500);
  });

  it('keeps a failure\'s details as JSON up to 1000 characters, and none past them', () => {
    expect(describeFailure(new SurgeError(Code.FailedPrecondition, 'out', { details: { field: 'qty', resource: 'product' } })).details).toBe('{"field":"qty","resource":"product"}');
    expect(describeFailure(new SurgeError(Code.FailedPrecondition, 'out', { details: { field: 'q'.repeat(2000) } })).details).toBe('');
  });
});
