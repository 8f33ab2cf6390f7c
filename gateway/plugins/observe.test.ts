import { describe, expect, it } from 'vitest';
import { loggableUrl } from './observe.js';

describe('access-log URL', () => {
  it.each([
    ['/douyin/feed/?token=abc.def.ghi', '/douyin/feed/?token=[redacted]'],
    ['/douyin/user/?user_id=1&token=abc&x=2', '/douyin/user/?user_id=1&token=[redacted]&x=2'],
    ['/api/v1/users/1', '/api/v1/users/1'],
    ['/douyin/feed/?mytoken=1', '/douyin/feed/?mytoken=1'],
  ])('%s → %s', (url, logged) => expect(loggableUrl(url)).toBe(logged));
});
