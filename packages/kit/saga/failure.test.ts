import { describe, expect, it } from 'vitest';
import { Code, SurgeError, allCodes, codeInfo } from '#kit/errors';
import { describeFailure, isBusinessRefusal } from './failure.js';

describe('saga failure policy', () => {
  it('a non-retryable SurgeError is a business refusal; retryable codes, Internal, Cancelled and foreign errors are transient', () => {
    const refusals = allCodes.filter((code) => isBusinessRefusal(new SurgeError(code, 'x'))).map((code) => codeInfo[code].name);
    expect(refusals.sort()).toEqual(['AlreadyExists', 'FailedPrecondition', 'InvalidArgument', 'NotFound', 'PayloadTooLarge', 'PermissionDenied', 'TokenExpired', 'Unauthenticated', 'UnsupportedMediaType']);
    expect(isBusinessRefusal(new Error('ECONNRESET'))).toBe(false);
    expect(isBusinessRefusal(Object.assign(new Error('aborted'), { name: 'AbortError' }))).toBe(false);
    expect(isBusinessRefusal('a string')).toBe(false);
  });

  it('describes a failure as its code and one bounded line; an Internal keeps its cause words for the operator', () => {
    expect(describeFailure(new SurgeError(Code.FailedPrecondition, 'sku-1: out of stock'))).toEqual({ code: Code.FailedPrecondition, message: 'sku-1: out of stock' });
    expect(describeFailure(new Error('line one\nline two'))).toEqual({ code: Code.Internal, message: 'internal: line one line two' });
    expect(describeFailure(new SurgeError(Code.Unavailable, 'x'.repeat(2000))).message).toHaveLength(500);
  });
});
