import { describe, expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { describeClientError, edgeAnswer, faceOf } from './edge-errors.js';

describe('edge errors', () => {
  it.each([
    ['/douyin/feed/', 'douyin'],
    ['/douyin/user/login/?password=x', 'douyin'],
    ['/douyin/blob/videos/a.mp4', 'api'],
    ['/douyin', 'api'],
    ['/api/v1/users/1', 'api'],
    ['', 'api'],
  ])('%s answers in the %s format', (url, face) => expect(faceOf(url)).toBe(face));

  it.each([
    ['HPE_HEADER_OVERFLOW', Code.PayloadTooLarge, 'the URL and headers: are larger than the limit of 16 KB'],
    ['HPE_INVALID_URL', Code.InvalidArgument, 'the URL: holds a character that must be percent-encoded'],
    ['HPE_INVALID_HEADER_TOKEN', Code.InvalidArgument, 'a header: has a malformed name or value'],
    ['HPE_UNEXPECTED_CONTENT_LENGTH', Code.InvalidArgument, 'Content-Length: is malformed or repeated'],
    ['HPE_INVALID_TRANSFER_ENCODING', Code.InvalidArgument, 'Transfer-Encoding: is not chunked, or is sent with Content-Length'],
    ['HPE_INVALID_CHUNK_SIZE', Code.InvalidArgument, 'Transfer-Encoding: the chunked body is malformed'],
    ['ERR_HTTP_REQUEST_TIMEOUT', Code.InvalidArgument, 'the request did not arrive in time'],
    ['HPE_INVALID_METHOD', Code.InvalidArgument, 'the request is not well-formed HTTP/1.1'],
    [undefined, Code.InvalidArgument, 'the request is not well-formed HTTP/1.1'],
  ])('%s → %s naming the part', (code, surge, says) => {
    const e = describeClientError({ code }, 16_384);
    expect(e.code).toBe(surge);
    expect(e.message).toContain(says);
  });

  it('answers with the code’s HTTP status and {code, message} on the API face, HTTP 200 and the envelope on the Douyin face', () => {
    const e = describeClientError({ code: 'HPE_HEADER_OVERFLOW' }, 16_384);
    expect(edgeAnswer(e, 'api')).toEqual({ status: 413, body: JSON.stringify({ code: 41301, message: e.message, details: { limit: 16_384 } }) });
    expect(edgeAnswer(e, 'douyin')).toEqual({ status: 200, body: JSON.stringify({ status_code: 41301, status_msg: e.message }) });
  });
});
