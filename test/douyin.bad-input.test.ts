// Every Douyin route gets bad requests, one row each, and must answer as the client expects:
// HTTP 200, JSON, status_code a stable Surge code (never 50001), a status_msg naming what was
// wrong (never a stack trace or SQL), and the route's fields at their empty values. Where the
// token is optional a bad token is the anonymous view, status 0. Runs in embedded mode and, when
// they answer, on the real servers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokens } from '#kit/auth';
import { ManualClock } from '#kit/clock';
import { Code } from '#kit/errors';
import { requireServer, servers } from '#kit/testing';
import { fakeVideo } from '../packages/kit/media/testing/fake-video.js';
import { startTestSystem, type Mode, type TestSystem } from './harness.js';

const onServers = (await requireServer(servers.mariadb)) && (await requireServer(servers.redis)) && (await requireServer(servers.nats));
const modes: Mode[] = onServers ? ['embedded', 'servers'] : ['embedded'];

/** The fields each route always sends, at their empty values (what an error reply carries). */
const EMPTY: Record<string, Record<string, unknown>> = {
  '/douyin/user/register/': { user_id: 0, token: '' },
  '/douyin/user/login/': { user_id: 0, token: '' },
  '/douyin/user/': { user: null },
  '/douyin/feed/': { video_list: [], next_time: 0 },
  '/douyin/publish/action/': {},
  '/douyin/publish/list/': { video_list: [] },
  '/douyin/favorite/action/': {},
  '/douyin/favorite/list/': { video_list: [] },
  '/douyin/comment/action/': { comment: null },
  '/douyin/comment/list/': { comment_list: [] },
  '/douyin/relation/action/': {},
  '/douyin/relation/follow/list/': { user_list: [] },
  '/douyin/relation/follower/list/': { user_list: [] },
  '/douyin/relation/friend/list/': { user_list: [] },
  '/douyin/message/action/': {},
  '/douyin/message/chat/': { message_list: [] },
};

/**
 * The fixture the rows point at, filled in beforeAll: A (the caller, `$token`) published
 * `$video` and liked it, B commented on it (`$comment`), A follows B; B and C are friends and C
 * sent B a message.
 */
interface Fixture {
  $token: string;
  $tokenB: string;
  /** A's token, expired a day ago. */
  $expired: string;
  /** A's id in a token signed with another secret. */
  $foreign: string;
  $a: number;
  $b: number;
  $c: number;
  $video: number;
  $comment: number;
  /** A comment A posted and deleted. */
  $deleted: number;
  /** An id no user, video or comment has (snowflakes of today are far larger). */
  $unknown: number;
}
type Ref = keyof Fixture;
type Value = string | number | Ref;
type Fields = Record<string, Value>;

interface Row {
  name: string;
  path: string;
  /** Default: POST for register, login and …/action/, GET for the rest. */
  method?: 'GET' | 'POST';
  query?: Fields;
  /** An application/x-www-form-urlencoded body. */
  form?: Fields;
  /** A multipart/form-data body (built with FormData), with files of `bytes` bytes each. */
  multipart?: { fields: Fields; files?: { field: string; bytes: number }[] };
  /** A body sent as is. */
  raw?: { type?: string; body: string | Buffer };
  /** Further request headers. */
  headers?: Record<string, string>;
  /** Surge code expected in status_code; 0 for the anonymous view of token-optional routes. */
  code: number;
  /** A fragment status_msg must contain (the field it names); for status 0, 'ok'. */
  says: string;
  /** 'small': the system whose uploads are limited to SMALL_UPLOAD bytes and sign-ins to one per account. */
  system?: 'small';
  /** Further checks of the reply. */
  check?: (reply: Reply, fx: Fixture, headers: Record<string, unknown>) => void;
}
type Reply = Record<string, any> & { status_code: number; status_msg: string };

const SMALL_UPLOAD = 1024;
const TWO_53 = '9007199254740992';
const LONG = 'x'.repeat(5000);

const T = { token: '$token' } as const;
const ANY = { token: 'not.a.jwt' };
const EXPIRED = { token: '$expired' } as const;
const FOREIGN = { token: '$foreign' } as const;

/** The routes that need a token, each with otherwise good parameters. */
const NEEDS_TOKEN: [path: string, fields: Fields, upload?: boolean][] = [
  ['/douyin/user/', { user_id: '$a' }],
  ['/douyin/publish/action/', { title: 'a clip' }, true],
  ['/douyin/publish/list/', { user_id: '$a' }],
  ['/douyin/favorite/action/', { video_id: '$video', action_type: 1 }],
  ['/douyin/favorite/list/', { user_id: '$a' }],
  ['/douyin/comment/action/', { video_id: '$video', action_type: 1, comment_text: 'hello' }],
  ['/douyin/relation/action/', { to_user_id: '$b', action_type: 1 }],
  ['/douyin/relation/follow/list/', { user_id: '$a' }],
  ['/douyin/relation/follower/list/', { user_id: '$a' }],
  ['/douyin/relation/friend/list/', { user_id: '$a' }],
  ['/douyin/message/action/', { to_user_id: '$b', action_type: 1, content: 'hi' }],
  ['/douyin/message/chat/', { to_user_id: '$b' }],
];

const tokenRows: Row[] = NEEDS_TOKEN.flatMap(([path, fields, upload]): Row[] => {
  const send = (token: Fields): Pick<Row, 'query' | 'multipart'> => (upload ? { multipart: { fields: { ...fields, ...token }, files: [{ field: 'data', bytes: 100 }] } } : { query: { ...fields, ...token } });
  return [
    { name: 'no token', path, ...send({}), code: Code.Unauthenticated, says: 'token is missing' },
    { name: 'empty token', path, ...send({ token: '' }), code: Code.Unauthenticated, says: 'token is missing' },
    { name: 'garbage token', path, ...send(ANY), code: Code.Unauthenticated, says: 'token is invalid' },
    { name: 'token of another server', path, ...send(FOREIGN), code: Code.Unauthenticated, says: 'token is invalid' },
    { name: 'expired token', path, ...send(EXPIRED), code: Code.TokenExpired, says: 'expired; log in again' },
  ];
});

/** Bad values of a required id, sent to a route that needs it. */
const badIds = (path: string, field: string, rest: Fields): Row[] => [
  { name: `${field} abc`, path, query: { ...rest, [field]: 'abc' }, code: Code.InvalidArgument, says: `${field}: must be a positive integer id (got "abc")` },
  { name: `${field} -1`, path, query: { ...rest, [field]: '-1' }, code: Code.InvalidArgument, says: `${field}: must be a positive integer id` },
  { name: `${field} 0`, path, query: { ...rest, [field]: '0' }, code: Code.InvalidArgument, says: `${field}: must be a positive integer id` },
  { name: `${field} 1.5`, path, query: { ...rest, [field]: '1.5' }, code: Code.InvalidArgument, says: `${field}: must be a positive integer id, a whole number` },
  { name: `${field} 2^53`, path, query: { ...rest, [field]: TWO_53 }, code: Code.InvalidArgument, says: `${field}: must be a positive integer id below 2^53` },
  { name: `${field} empty`, path, query: { ...rest, [field]: '' }, code: Code.InvalidArgument, says: `${field}: is required` },
  { name: `${field} 0x10`, path, query: { ...rest, [field]: '0x10' }, code: Code.InvalidArgument, says: `${field}: must be a positive integer id (got "0x10")` },
  { name: `${field} 016`, path, query: { ...rest, [field]: '016' }, code: Code.InvalidArgument, says: `${field}: must be a positive integer id, without leading zeros (got "016")` },
];

const rows: Row[] = [
  // Sign-up and sign-in.
  { name: 'no username', path: '/douyin/user/register/', query: { password: 'secret123' }, code: Code.InvalidArgument, says: 'username: is required' },
  { name: 'no password', path: '/douyin/user/register/', query: { username: 'someone' }, code: Code.InvalidArgument, says: 'password: is required' },
  { name: 'username of 33 characters', path: '/douyin/user/register/', query: { username: 'u'.repeat(33), password: 'secret123' }, code: Code.InvalidArgument, says: 'username' },
  { name: 'username with a space', path: '/douyin/user/register/', query: { username: 'a b', password: 'secret123' }, code: Code.InvalidArgument, says: 'username' },
  { name: 'password of 5 characters', path: '/douyin/user/register/', query: { username: 'someone', password: '12345' }, code: Code.InvalidArgument, says: 'password: must be 6–32 characters' },
  { name: 'password of 33 characters', path: '/douyin/user/register/', form: { username: 'someone', password: 'p'.repeat(33) }, code: Code.InvalidArgument, says: 'password: must be 6–32 characters' },
  { name: 'password of only spaces', path: '/douyin/user/register/', form: { username: 'someone', password: '        ' }, code: Code.InvalidArgument, says: 'password: must not be only spaces or invisible characters' },
  { name: 'username mixing Latin and Greek', path: '/douyin/user/register/', query: { username: '\u0391lice', password: 'secret123' }, code: Code.InvalidArgument, says: 'username: mixes letters of Greek and Latin' },
  { name: 'a taken username', path: '/douyin/user/register/', query: { username: 'badinput-a', password: 'secret123' }, code: Code.AlreadyExists, says: 'username badinput-a is already taken' },
  { name: 'text/plain body', path: '/douyin/user/register/', raw: { type: 'text/plain', body: 'username=a&password=secret123' }, code: Code.UnsupportedMediaType, says: 'Content-Type: "text/plain" is not accepted' },
  { name: 'a body without Content-Type', path: '/douyin/user/register/', raw: { body: 'username=a&password=secret123' }, code: Code.UnsupportedMediaType, says: 'Content-Type: is missing' },
  { name: 'invalid JSON', path: '/douyin/user/register/', raw: { type: 'application/json', body: '{"username":' }, code: Code.InvalidArgument, says: 'body: is not valid JSON' },
  { name: 'a JSON parameter that is an object', path: '/douyin/user/register/', raw: { type: 'application/json', body: '{"username":{"$ne":1},"password":"secret123"}' }, code: Code.InvalidArgument, says: 'username: must be a string, number or boolean' },
  // Bodies past the shape limits (gateway/plugins/body-shape.ts), and encodings the server does not decode.
  { name: 'a JSON body of 1001 fields', path: '/douyin/user/register/', raw: { type: 'application/json', body: `{${Array.from({ length: 1001 }, (_, i) => `"k${i}":0`).join(',')}}` }, code: Code.PayloadTooLarge, says: 'body: has more than the limit of 1000 fields' },
  { name: 'a JSON body nested 33 levels', path: '/douyin/user/register/', raw: { type: 'application/json', body: `{"username":"a","password":"secret123","x":${'['.repeat(33)}${']'.repeat(33)}}` }, code: Code.PayloadTooLarge, says: 'body: nests deeper than the limit of 32 levels' },
  { name: 'a form of 1001 fields', path: '/douyin/user/login/', raw: { type: 'application/x-www-form-urlencoded', body: `${Array.from({ length: 999 }, (_, i) => `f${i}=0`).join('&')}&username=badinput-a&password=secret123` }, code: Code.PayloadTooLarge, says: 'body: has more than the limit of 1000 fields' },
  { name: 'a gzip-encoded form', path: '/douyin/user/login/', form: { username: 'badinput-a', password: 'secret123' }, headers: { 'content-encoding': 'gzip' }, code: Code.UnsupportedMediaType, says: 'Content-Encoding: "gzip" is not accepted' },
  { name: 'wrong password', path: '/douyin/user/login/', query: { username: 'badinput-a', password: 'wrong-password' }, code: Code.Unauthenticated, says: 'wrong username or password' },
  { name: 'unknown username', path: '/douyin/user/login/', query: { username: 'badinput-nobody', password: 'secret123' }, code: Code.Unauthenticated, says: 'wrong username or password' },
  { name: 'username of 33 characters', path: '/douyin/user/login/', query: { username: 'u'.repeat(33), password: 'secret123' }, code: Code.InvalidArgument, says: 'username' },
  // Sign-in checks any password a person could have typed: a short one is just wrong (issue 12).
  { name: 'password of 5 characters', path: '/douyin/user/login/', form: { username: 'badinput-a', password: '12345' }, code: Code.Unauthenticated, says: 'wrong username or password' },
  { name: 'password of 1025 characters', path: '/douyin/user/login/', form: { username: 'badinput-a', password: 'p'.repeat(1025) }, code: Code.InvalidArgument, says: 'password: must be at most 1024 characters' },
  { name: 'too many sign-ins at one account', system: 'small', path: '/douyin/user/login/', query: { username: 'badinput-small', password: 'secret123' }, code: Code.RateLimited, says: 'too many sign-in attempts for this account: retry in', check: (_r, _fx, headers) => expect(Number(headers['retry-after'])).toBeGreaterThan(0) },
  { name: 'no password', path: '/douyin/user/login/', query: { username: 'badinput-a' }, code: Code.InvalidArgument, says: 'password: is required' },

  // Tokens on every route that needs one.
  ...tokenRows,

  // Profiles.
  { name: 'user_id abc', path: '/douyin/user/', query: { ...T, user_id: 'abc' }, code: Code.InvalidArgument, says: 'user_id: must be a positive integer id (got "abc")' },
  { name: 'user_id 0', path: '/douyin/user/', query: { ...T, user_id: '0' }, code: Code.InvalidArgument, says: 'user_id: must be a positive integer id' },
  { name: 'user_id 1e3', path: '/douyin/user/', query: { ...T, user_id: '1e3' }, code: Code.InvalidArgument, says: 'user_id' },
  { name: 'user_id +5', path: '/douyin/user/', query: { ...T, user_id: '+5' }, code: Code.InvalidArgument, says: 'user_id: must be a positive integer id (got "+5")' },
  { name: 'user_id 007', path: '/douyin/user/', query: { ...T, user_id: '007' }, code: Code.InvalidArgument, says: 'user_id: must be a positive integer id, without leading zeros (got "007")' },
  { name: 'unknown user_id', path: '/douyin/user/', query: { ...T, user_id: '$unknown' }, code: Code.NotFound, says: 'user_id: no user with this id' },

  // The feed: the token is optional, a bad one is the anonymous view.
  { name: 'garbage token: anonymous view', path: '/douyin/feed/', query: ANY, code: 0, says: 'ok', check: anonymousFeed },
  { name: 'expired token: anonymous view', path: '/douyin/feed/', query: EXPIRED, code: 0, says: 'ok', check: anonymousFeed },
  { name: 'empty token: anonymous view', path: '/douyin/feed/', query: { token: '' }, code: 0, says: 'ok', check: anonymousFeed },
  { name: 'valid token (control): the viewer liked the video', path: '/douyin/feed/', query: T, code: 0, says: 'ok', check: (r, fx) => expect(r.video_list.find((v: Reply) => v.id === fx.$video)?.is_favorite).toBe(true) },
  { name: 'latest_time -1', path: '/douyin/feed/', query: { latest_time: '-1' }, code: Code.InvalidArgument, says: 'latest_time: must be a time since 1970' },
  { name: 'latest_time abc', path: '/douyin/feed/', query: { latest_time: 'abc' }, code: Code.InvalidArgument, says: 'latest_time: must be a time since 1970' },
  { name: 'latest_time 1.5', path: '/douyin/feed/', query: { latest_time: '1.5' }, code: Code.InvalidArgument, says: 'latest_time' },
  { name: 'latest_time 2^53', path: '/douyin/feed/', query: { latest_time: TWO_53 }, code: Code.InvalidArgument, says: 'latest_time' },
  { name: 'GET with a form body: the body wins', path: '/douyin/feed/', method: 'GET', query: { latest_time: '1700000000' }, form: { latest_time: 'yesterday' }, code: Code.InvalidArgument, says: 'latest_time' },

  // Publishing.
  { name: 'no token and no file: the body is read first', path: '/douyin/publish/action/', multipart: { fields: { title: 'a clip' } }, code: Code.InvalidArgument, says: 'data: is required' },
  { name: 'two files', path: '/douyin/publish/action/', multipart: { fields: { ...T, title: 'a clip' }, files: [{ field: 'data', bytes: 100 }, { field: 'data', bytes: 100 }] }, code: Code.InvalidArgument, says: 'data: must be one file' },
  { name: 'no data file', path: '/douyin/publish/action/', multipart: { fields: { ...T, title: 'a clip' } }, code: Code.InvalidArgument, says: 'data: is required' },
  { name: 'a url-encoded body, no file', path: '/douyin/publish/action/', form: { ...T, title: 'a clip' }, code: Code.InvalidArgument, says: 'data: is required' },
  { name: 'data as a text field', path: '/douyin/publish/action/', multipart: { fields: { ...T, title: 'a clip', data: 'not a file' } }, code: Code.InvalidArgument, says: 'data: is required' },
  { name: 'the file under another name', path: '/douyin/publish/action/', multipart: { fields: { ...T, title: 'a clip' }, files: [{ field: 'video', bytes: 100 }] }, code: Code.InvalidArgument, says: 'video: is not a file field here' },
  { name: 'title of 0 characters', path: '/douyin/publish/action/', multipart: { fields: { ...T, title: '' }, files: [{ field: 'data', bytes: 100 }] }, code: Code.InvalidArgument, says: 'title: is required' },
  { name: 'title of 101 characters', path: '/douyin/publish/action/', multipart: { fields: { ...T, title: 't'.repeat(101) }, files: [{ field: 'data', bytes: 100 }] }, code: Code.InvalidArgument, says: 'title: must be at most 100 characters' },
  { name: 'title with a right-to-left override', path: '/douyin/publish/action/', multipart: { fields: { ...T, title: 'clip\u202e4pm.exe' }, files: [{ field: 'data', bytes: 100 }] }, code: Code.InvalidArgument, says: 'title: must not contain bidirectional override, embedding or isolate characters (U+202E)' },
  { name: 'title on two lines', path: '/douyin/publish/action/', multipart: { fields: { ...T, title: 'one\ntwo' }, files: [{ field: 'data', bytes: 100 }] }, code: Code.InvalidArgument, says: 'title: must be one line' },
  { name: 'title of spaces only', path: '/douyin/publish/action/', multipart: { fields: { ...T, title: '   ' }, files: [{ field: 'data', bytes: 100 }] }, code: Code.InvalidArgument, says: 'title' },
  { name: 'malformed multipart (cut short)', path: '/douyin/publish/action/', query: T, raw: { type: 'multipart/form-data; boundary=XyZ', body: '--XyZ\r\nContent-Disposition: form-data; name="title"\r\n\r\nclip\r\n--XyZ\r\nContent-Disposition: form-data; name="data"; filename="a.mp4"\r\n\r\nabc' }, code: Code.InvalidArgument, says: 'body: is not a well-formed multipart/form-data body' },
  { name: 'multipart without a boundary', path: '/douyin/publish/action/', raw: { type: 'multipart/form-data', body: '--XyZ\r\n' }, code: Code.InvalidArgument, says: 'Content-Type: multipart/form-data needs a boundary parameter' },
  // Uploads that are not video (items 3, 4 of the hardening review): refused before anything is stored.
  { name: 'an HLS playlist as the file', path: '/douyin/publish/action/', query: T, raw: fileBody('#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\n/var/lib/surge/blobs/objects/videos/other.ts\n#EXT-X-ENDLIST\n'), code: Code.InvalidArgument, says: 'data: is not a video' },
  { name: 'a text file as the file', path: '/douyin/publish/action/', query: T, raw: fileBody('hello\n'.repeat(300)), code: Code.InvalidArgument, says: 'data: is not a video' },
  { name: 'a PNG image as the file', path: '/douyin/publish/action/', query: T, raw: fileBody(Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(500, 1)])), code: Code.InvalidArgument, says: 'data: is not a video' },
  { name: 'an empty file', path: '/douyin/publish/action/', query: T, raw: fileBody(''), code: Code.InvalidArgument, says: 'data: is empty' },
  { name: 'the token after the file', path: '/douyin/publish/action/', raw: fileBody(fakeVideo(100), 'not.a.jwt'), code: Code.Unauthenticated, says: 'token is missing; send it in the query or as a form field before the file' },
  { name: 'a file over the upload limit', system: 'small', path: '/douyin/publish/action/', multipart: { fields: { ...T, title: 'too big' }, files: [{ field: 'data', bytes: SMALL_UPLOAD * 4 }] }, code: Code.PayloadTooLarge, says: `data: is larger than the limit of ${SMALL_UPLOAD} bytes` },
  { name: 'user_id -1', path: '/douyin/publish/list/', query: { ...T, user_id: '-1' }, code: Code.InvalidArgument, says: 'user_id: must be a positive integer id' },
  { name: 'unknown user_id', path: '/douyin/publish/list/', query: { ...T, user_id: '$unknown' }, code: Code.NotFound, says: 'user_id: no user with this id' },

  // Likes.
  ...badIds('/douyin/favorite/action/', 'video_id', { ...T, action_type: 1 }),
  { name: 'video_id of 5000 characters (not echoed whole)', path: '/douyin/favorite/action/', query: { ...T, action_type: 1, video_id: LONG }, code: Code.InvalidArgument, says: 'video_id', check: (r) => expect(r.status_msg.length).toBeLessThan(200) },
  { name: 'no video_id', path: '/douyin/favorite/action/', query: { ...T, action_type: 1 }, code: Code.InvalidArgument, says: 'video_id: is required' },
  { name: 'unknown video_id', path: '/douyin/favorite/action/', query: { ...T, action_type: 1, video_id: '$unknown' }, code: Code.NotFound, says: 'video_id: no video with this id' },
  { name: 'action_type abc', path: '/douyin/favorite/action/', query: { ...T, video_id: '$video', action_type: 'abc' }, code: Code.InvalidArgument, says: 'action_type: must be 1 or 2 (got "abc")' },
  { name: 'action_type 3', path: '/douyin/favorite/action/', query: { ...T, video_id: '$video', action_type: 3 }, code: Code.InvalidArgument, says: 'action_type: must be 1 or 2 (got "3")' },
  { name: 'action_type 0', path: '/douyin/favorite/action/', form: { ...T, video_id: '$video', action_type: 0 }, code: Code.InvalidArgument, says: 'action_type: must be 1 or 2' },
  { name: 'action_type 2^53', path: '/douyin/favorite/action/', query: { ...T, video_id: '$video', action_type: TWO_53 }, code: Code.InvalidArgument, says: 'action_type: must be 1 or 2' },
  { name: 'no action_type', path: '/douyin/favorite/action/', query: { ...T, video_id: '$video' }, code: Code.InvalidArgument, says: 'action_type: is required: 1 or 2' },
  { name: 'user_id 1.5', path: '/douyin/favorite/list/', query: { ...T, user_id: '1.5' }, code: Code.InvalidArgument, says: 'user_id: must be a positive integer id, a whole number' },
  { name: 'unknown user_id', path: '/douyin/favorite/list/', query: { ...T, user_id: '$unknown' }, code: Code.NotFound, says: 'user_id: no user with this id' },
  { name: 'GET with a form body: the body wins', path: '/douyin/favorite/list/', method: 'GET', query: { ...T, user_id: '$a' }, form: { user_id: 'abc' }, code: Code.InvalidArgument, says: 'user_id: must be a positive integer id (got "abc")' },

  // Comments.
  { name: 'no comment_text', path: '/douyin/comment/action/', query: { ...T, video_id: '$video', action_type: 1 }, code: Code.InvalidArgument, says: 'comment_text: is required' },
  { name: 'empty comment_text', path: '/douyin/comment/action/', form: { ...T, video_id: '$video', action_type: 1, comment_text: '' }, code: Code.InvalidArgument, says: 'comment_text: is required' },
  { name: 'comment_text of spaces only', path: '/douyin/comment/action/', form: { ...T, video_id: '$video', action_type: 1, comment_text: ' \t\n ' }, code: Code.InvalidArgument, says: 'comment_text: must hold at least 1 character besides spaces' },
  { name: 'comment_text of 1001 characters', path: '/douyin/comment/action/', form: { ...T, video_id: '$video', action_type: 1, comment_text: 'c'.repeat(1001) }, code: Code.InvalidArgument, says: 'comment_text: must be at most 1000 characters (got 1001)' },
  { name: 'comment_text of a zero-width space only', path: '/douyin/comment/action/', form: { ...T, video_id: '$video', action_type: 1, comment_text: '\u200b' }, code: Code.InvalidArgument, says: 'comment_text: must hold at least 1 character besides spaces' },
  { name: 'comment_text of a Hangul filler only', path: '/douyin/comment/action/', query: { ...T, video_id: '$video', action_type: 1, comment_text: '\u3164' }, code: Code.InvalidArgument, says: 'comment_text: must hold at least 1 character besides spaces' },
  { name: 'comment_text with an escape (U+001B)', path: '/douyin/comment/action/', form: { ...T, video_id: '$video', action_type: 1, comment_text: 'red \u001b[31m' }, code: Code.InvalidArgument, says: 'comment_text: must not contain control characters (U+001B)' },
  { name: 'comment_text with a right-to-left override', path: '/douyin/comment/action/', multipart: { fields: { ...T, video_id: '$video', action_type: 1, comment_text: 'nice\u202e' } }, code: Code.InvalidArgument, says: 'comment_text: must not contain bidirectional override, embedding or isolate characters (U+202E)' },
  { name: 'comment_text of 1001 emoji', path: '/douyin/comment/action/', multipart: { fields: { ...T, video_id: '$video', action_type: 1, comment_text: '👍'.repeat(1001) } }, code: Code.InvalidArgument, says: 'comment_text: must be at most 1000 characters (got 1001)' },
  { name: 'unknown video_id', path: '/douyin/comment/action/', query: { ...T, video_id: '$unknown', action_type: 1, comment_text: 'hello' }, code: Code.NotFound, says: 'video_id: no video with this id' },
  { name: 'video_id abc', path: '/douyin/comment/action/', query: { ...T, video_id: 'abc', action_type: 1, comment_text: 'hello' }, code: Code.InvalidArgument, says: 'video_id' },
  { name: 'action_type 3', path: '/douyin/comment/action/', query: { ...T, video_id: '$video', action_type: 3, comment_text: 'hello' }, code: Code.InvalidArgument, says: 'action_type: must be 1 or 2' },
  { name: 'delete without comment_id', path: '/douyin/comment/action/', query: { ...T, video_id: '$video', action_type: 2 }, code: Code.InvalidArgument, says: 'comment_id: is required' },
  { name: 'delete comment_id abc', path: '/douyin/comment/action/', query: { ...T, video_id: '$video', action_type: 2, comment_id: 'abc' }, code: Code.InvalidArgument, says: 'comment_id' },
  { name: 'delete an unknown comment_id', path: '/douyin/comment/action/', query: { ...T, video_id: '$video', action_type: 2, comment_id: '$unknown' }, code: Code.NotFound, says: 'comment_id' },
  { name: "delete someone else's comment", path: '/douyin/comment/action/', query: { ...T, video_id: '$video', action_type: 2, comment_id: '$comment' }, code: Code.PermissionDenied, says: 'only the author of a comment can delete it' },
  { name: 'delete a deleted comment', path: '/douyin/comment/action/', query: { ...T, video_id: '$video', action_type: 2, comment_id: '$deleted' }, code: Code.NotFound, says: 'comment_id' },
  { name: 'delete a comment named under another video', path: '/douyin/comment/action/', query: { ...T, video_id: '$unknown', action_type: 2, comment_id: '$comment' }, code: Code.NotFound, says: 'comment_id' },
  { name: 'a file on a route that takes none', path: '/douyin/comment/action/', multipart: { fields: { ...T, video_id: '$video', action_type: 1, comment_text: 'hello' }, files: [{ field: 'data', bytes: 10 }] }, code: Code.InvalidArgument, says: 'data: is a file, but this request takes no file' },
  { name: 'application/xml body', path: '/douyin/comment/action/', raw: { type: 'application/xml', body: '<comment/>' }, code: Code.UnsupportedMediaType, says: 'Content-Type: "application/xml" is not accepted' },
  { name: 'a form body over the limit', path: '/douyin/comment/action/', raw: { type: 'application/x-www-form-urlencoded', body: `comment_text=${'x'.repeat((1 << 20) + 1)}` }, code: Code.PayloadTooLarge, says: 'body: is larger than the limit of 1 MB' },
  ...badIds('/douyin/comment/list/', 'video_id', {}),
  { name: 'unknown video_id', path: '/douyin/comment/list/', query: { video_id: '$unknown' }, code: Code.NotFound, says: 'video_id: no video with this id' },
  { name: 'garbage token: anonymous view', path: '/douyin/comment/list/', query: { ...ANY, video_id: '$video' }, code: 0, says: 'ok', check: commentsSeenAs(false) },
  { name: 'expired token: anonymous view', path: '/douyin/comment/list/', query: { ...EXPIRED, video_id: '$video' }, code: 0, says: 'ok', check: commentsSeenAs(false) },
  { name: 'valid token (control): the viewer follows the commenter', path: '/douyin/comment/list/', query: { ...T, video_id: '$video' }, code: 0, says: 'ok', check: commentsSeenAs(true) },

  // Follows.
  { name: 'follow yourself', path: '/douyin/relation/action/', query: { ...T, to_user_id: '$a', action_type: 1 }, code: Code.InvalidArgument, says: 'to_user_id: you cannot follow yourself' },
  { name: 'unfollow yourself', path: '/douyin/relation/action/', query: { ...T, to_user_id: '$a', action_type: 2 }, code: Code.InvalidArgument, says: 'to_user_id: you cannot follow yourself' },
  { name: 'unknown to_user_id', path: '/douyin/relation/action/', query: { ...T, to_user_id: '$unknown', action_type: 1 }, code: Code.NotFound, says: 'to_user_id: no user with this id' },
  { name: 'to_user_id empty', path: '/douyin/relation/action/', query: { ...T, to_user_id: '', action_type: 1 }, code: Code.InvalidArgument, says: 'to_user_id: is required' },
  { name: 'to_user_id abc', path: '/douyin/relation/action/', form: { ...T, to_user_id: 'abc', action_type: 1 }, code: Code.InvalidArgument, says: 'to_user_id: must be a positive integer id' },
  { name: 'action_type x', path: '/douyin/relation/action/', query: { ...T, to_user_id: '$b', action_type: 'x' }, code: Code.InvalidArgument, says: 'action_type: must be 1 or 2 (got "x")' },
  { name: 'action_type -1', path: '/douyin/relation/action/', query: { ...T, to_user_id: '$b', action_type: -1 }, code: Code.InvalidArgument, says: 'action_type: must be 1 or 2' },
  { name: 'user_id 2^53', path: '/douyin/relation/follow/list/', query: { ...T, user_id: TWO_53 }, code: Code.InvalidArgument, says: 'user_id: must be a positive integer id below 2^53' },
  { name: 'unknown user_id', path: '/douyin/relation/follow/list/', query: { ...T, user_id: '$unknown' }, code: Code.NotFound, says: 'user_id: no user with this id' },
  { name: 'user_id abc', path: '/douyin/relation/follower/list/', query: { ...T, user_id: 'abc' }, code: Code.InvalidArgument, says: 'user_id: must be a positive integer id' },
  { name: 'unknown user_id', path: '/douyin/relation/follower/list/', query: { ...T, user_id: '$unknown' }, code: Code.NotFound, says: 'user_id: no user with this id' },
  { name: 'user_id 0', path: '/douyin/relation/friend/list/', query: { ...T, user_id: '0' }, code: Code.InvalidArgument, says: 'user_id: must be a positive integer id' },
  { name: 'unknown user_id', path: '/douyin/relation/friend/list/', query: { ...T, user_id: '$unknown' }, code: Code.NotFound, says: 'user_id: no user with this id' },
  { name: "someone else's list: their friends without their messages", path: '/douyin/relation/friend/list/', query: { ...T, user_id: '$b' }, code: 0, says: 'ok', check: (r, fx) => expect(r.user_list).toEqual([expect.objectContaining({ id: fx.$c, message: '', msgType: 0 })]) },
  { name: 'own list (control): the latest message', path: '/douyin/relation/friend/list/', query: { token: '$tokenB', user_id: '$b' }, code: 0, says: 'ok', check: (r, fx) => expect(r.user_list).toEqual([expect.objectContaining({ id: fx.$c, message: 'for B only', msgType: 0 })]) },

  // Messages.
  { name: 'message yourself', path: '/douyin/message/action/', query: { ...T, to_user_id: '$a', action_type: 1, content: 'hi me' }, code: Code.InvalidArgument, says: 'to_user_id: you cannot send a message to yourself' },
  { name: 'unknown to_user_id', path: '/douyin/message/action/', query: { ...T, to_user_id: '$unknown', action_type: 1, content: 'hi' }, code: Code.NotFound, says: 'to_user_id: no user with this id' },
  { name: 'to_user_id -1', path: '/douyin/message/action/', query: { ...T, to_user_id: '-1', action_type: 1, content: 'hi' }, code: Code.InvalidArgument, says: 'to_user_id: must be a positive integer id' },
  { name: 'no content', path: '/douyin/message/action/', query: { ...T, to_user_id: '$b', action_type: 1 }, code: Code.InvalidArgument, says: 'content: is required' },
  { name: 'content of spaces only', path: '/douyin/message/action/', form: { ...T, to_user_id: '$b', action_type: 1, content: '   ' }, code: Code.InvalidArgument, says: 'content' },
  { name: 'content of a zero-width space only', path: '/douyin/message/action/', form: { ...T, to_user_id: '$b', action_type: 1, content: '\u200b\u200d' }, code: Code.InvalidArgument, says: 'content: must hold at least 1 character besides spaces' },
  { name: 'content with a bell (U+0007)', path: '/douyin/message/action/', form: { ...T, to_user_id: '$b', action_type: 1, content: 'ding\u0007' }, code: Code.InvalidArgument, says: 'content: must not contain control characters (U+0007)' },
  { name: 'content with a lone surrogate (JSON body)', path: '/douyin/message/action/', query: { ...T, to_user_id: '$b', action_type: 1 }, raw: { type: 'application/json', body: '{"content":"hi \\ud800"}' }, code: Code.InvalidArgument, says: 'content: must not contain lone surrogates (text that is not well-formed UTF-16)' },
  { name: 'content of 1001 characters', path: '/douyin/message/action/', form: { ...T, to_user_id: '$b', action_type: 1, content: 'm'.repeat(1001) }, code: Code.InvalidArgument, says: 'content: must be at most 1000 characters (got 1001)' },
  { name: 'action_type 2', path: '/douyin/message/action/', query: { ...T, to_user_id: '$b', action_type: 2, content: 'hi' }, code: Code.InvalidArgument, says: 'action_type: must be 1 (got "2")' },
  { name: 'no action_type', path: '/douyin/message/action/', query: { ...T, to_user_id: '$b', content: 'hi' }, code: Code.InvalidArgument, says: 'action_type: is required' },
  { name: 'chat with yourself', path: '/douyin/message/chat/', query: { ...T, to_user_id: '$a' }, code: Code.InvalidArgument, says: 'to_user_id: you cannot chat with yourself' },
  { name: 'chat with an unknown user', path: '/douyin/message/chat/', query: { ...T, to_user_id: '$unknown' }, code: Code.NotFound, says: 'to_user_id: no user with this id' },
  { name: 'no to_user_id', path: '/douyin/message/chat/', query: T, code: Code.InvalidArgument, says: 'to_user_id: is required' },
  { name: 'to_user_id 1.5', path: '/douyin/message/chat/', query: { ...T, to_user_id: '1.5' }, code: Code.InvalidArgument, says: 'to_user_id: must be a positive integer id, a whole number' },
  { name: 'pre_msg_time -5', path: '/douyin/message/chat/', query: { ...T, to_user_id: '$b', pre_msg_time: '-5' }, code: Code.InvalidArgument, says: 'pre_msg_time: must be a time since 1970' },
  { name: 'pre_msg_time yesterday', path: '/douyin/message/chat/', query: { ...T, to_user_id: '$b', pre_msg_time: 'yesterday' }, code: Code.InvalidArgument, says: 'pre_msg_time: must be a time since 1970' },
  { name: 'GET with a form body: the body wins', path: '/douyin/message/chat/', method: 'GET', query: { ...T, to_user_id: '$b', pre_msg_time: '0' }, form: { pre_msg_time: '-1' }, code: Code.InvalidArgument, says: 'pre_msg_time' },
];

/** A multipart body: a title, the file `data` holding `content`, and a token field after it when given. */
function fileBody(content: string | Buffer, tokenAfter?: string): NonNullable<Row['raw']> {
  const part = (headers: string, body: string | Buffer) => [Buffer.from(`--XyZ\r\n${headers}\r\n\r\n`), Buffer.from(body), Buffer.from('\r\n')];
  const parts = [...part('Content-Disposition: form-data; name="title"', 'a clip'), ...part('Content-Disposition: form-data; name="data"; filename="clip.mp4"\r\nContent-Type: video/mp4', content)];
  if (tokenAfter !== undefined) parts.push(...part('Content-Disposition: form-data; name="token"', tokenAfter));
  return { type: 'multipart/form-data; boundary=XyZ', body: Buffer.concat([...parts, Buffer.from('--XyZ--\r\n')]) };
}

function anonymousFeed(r: Reply, fx: Fixture): void {
  const v = r.video_list.find((x: Reply) => x.id === fx.$video);
  expect(v, 'the fixture video is in the feed').toBeDefined();
  expect(v.is_favorite).toBe(false);
  expect(r.next_time).toBeGreaterThan(1e12);
}

function commentsSeenAs(isFollow: boolean) {
  return (r: Reply, fx: Fixture): void => {
    expect(r.comment_list.map((c: Reply) => c.id)).toEqual([fx.$comment]);
    expect(r.comment_list[0].user).toMatchObject({ id: fx.$b, is_follow: isFollow });
  };
}

/** What must never reach a person: stack frames, SQL, driver or JavaScript error text. */
const LEAK = [/\bat \S+ \(/, /\bstack\b/i, /\b(SELECT|INSERT|UPDATE|DELETE FROM|WHERE)\b/, /sqlite|mysql|mariadb|node_modules/i, /\bER_[A-Z_]+/, /Error:/, /\bundefined\b|\bNaN\b|\[object /];

const methodOf = (row: Row) => row.method ?? (/(register|login|action)\/$/.test(row.path) ? 'POST' : 'GET');

describe.each(modes)('Douyin bad input (%s)', (mode) => {
  let sys: TestSystem;
  let small: TestSystem;
  const fx = {} as Fixture;
  const limits = { 'limits.loginPerIp.quota': 1000, 'video.ffmpeg': '' };

  beforeAll(async () => {
    [sys, small] = await Promise.all([startTestSystem(mode, limits), startTestSystem(mode, { ...limits, 'blob.maxBytes': SMALL_UPLOAD, 'limits.loginPerAccount.quota': 1 })]);
    // The fixture, through the API as the client builds it.
    const ok = async (s: TestSystem, path: string, fields: Fields, file?: number) => {
      const r = await send(s, { name: 'fixture', path, code: 0, says: 'ok', ...(file ? { multipart: { fields, files: [{ field: 'data', bytes: file }] } } : { query: fields }) }, fx);
      expect(r.reply.status_code, `${path}: ${r.reply.status_msg}`).toBe(0);
      return r.reply;
    };
    const a = await ok(sys, '/douyin/user/register/', { username: 'badinput-a', password: 'secret123' });
    const b = await ok(sys, '/douyin/user/register/', { username: 'badinput-b', password: 'secret123' });
    Object.assign(fx, { $token: a.token, $a: a.user_id, $b: b.user_id, $unknown: 123_456_789 });
    await ok(sys, '/douyin/publish/action/', { token: a.token, title: 'the fixture' }, 2048);
    fx.$video = (await ok(sys, '/douyin/publish/list/', { token: a.token })).video_list[0].id;
    await ok(sys, '/douyin/favorite/action/', { token: a.token, video_id: fx.$video, action_type: 1 });
    fx.$comment = (await ok(sys, '/douyin/comment/action/', { token: b.token, video_id: fx.$video, action_type: 1, comment_text: 'first!' })).comment.id;
    fx.$deleted = (await ok(sys, '/douyin/comment/action/', { token: a.token, video_id: fx.$video, action_type: 1, comment_text: 'oops' })).comment.id;
    await ok(sys, '/douyin/comment/action/', { token: a.token, video_id: fx.$video, action_type: 2, comment_id: fx.$deleted });
    await ok(sys, '/douyin/relation/action/', { token: a.token, to_user_id: b.user_id, action_type: 1 });
    const c = await ok(sys, '/douyin/user/register/', { username: 'badinput-c', password: 'secret123' });
    Object.assign(fx, { $tokenB: b.token, $c: c.user_id });
    await ok(sys, '/douyin/relation/action/', { token: b.token, to_user_id: c.user_id, action_type: 1 });
    await ok(sys, '/douyin/relation/action/', { token: c.token, to_user_id: b.user_id, action_type: 1 });
    await ok(sys, '/douyin/message/action/', { token: c.token, to_user_id: b.user_id, action_type: 1, content: 'for B only' });
    // Tokens the system's own secret signed for A, but with a life that ended a day ago; and one of another secret.
    const ttl = sys.config.auth.tokenTtlSeconds;
    fx.$expired = createTokens({ secret: sys.config.auth.jwtSecret, ttlSeconds: ttl, clock: new ManualClock(Date.now() - (ttl + 86_400) * 1000) }).sign({ sub: fx.$a });
    fx.$foreign = createTokens({ secret: 'another-server-secret-'.padEnd(48, 'z') }).sign({ sub: fx.$a });
    // The small system needs its own signed-in user for its upload rows.
    const sa = await ok(small, '/douyin/user/register/', { username: 'badinput-small', password: 'secret123' });
    smallToken = sa.token;
    await ok(small, '/douyin/user/login/', { username: 'badinput-small', password: 'secret123' }); // the account's one sign-in
  });
  let smallToken = '';
  afterAll(async () => {
    await Promise.all([sys?.stop(), small?.stop()]);
  });

  it('covers every route', () => {
    const covered = new Set(rows.map((r) => r.path));
    expect([...covered].sort()).toEqual(Object.keys(EMPTY).sort());
  });

  it('answers an unknown path or method with HTTP 404 and the envelope', async () => {
    for (const [method, url] of [['GET', '/douyin/feed'], ['GET', '/douyin/nothing/'], ['PUT', '/douyin/feed/'], ['DELETE', '/douyin/comment/action/']] as const) {
      const res = await sys.app.inject({ method, url });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(JSON.parse(res.body)).toEqual({ status_code: Code.NotFound, status_msg: `no route ${method} ${url}` });
    }
  });

  it('answers a URL with bad percent-encoding with the envelope', async () => {
    const res = await sys.app.inject({ method: 'GET', url: '/douyin/feed/%E0%A4%A/' });
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ status_code: Code.InvalidArgument, status_msg: 'the URL is malformed (bad percent-encoding)' });
  });

  it.each(rows.map((r) => [`${methodOf(r)} ${r.path.slice('/douyin'.length)} ${r.name}`, r] as const))('%s', async (_title, row) => {
    const target = row.system === 'small' ? small : sys;
    const { status, type, headers, reply, raw } = await send(target, row, row.system === 'small' ? { ...fx, $token: smallToken } : fx);
    expect(status, raw).toBe(200);
    expect(type).toBe('application/json; charset=utf-8');
    expect(reply.status_code, reply.status_msg).toBe(row.code);
    expect(reply.status_code).not.toBe(Code.Internal);
    expect(reply.status_msg).toContain(row.says);
    for (const leak of LEAK) expect(reply.status_msg).not.toMatch(leak);
    const empty = EMPTY[row.path]!;
    expect(Object.keys(reply)).toEqual(['status_code', 'status_msg', ...Object.keys(empty)]);
    if (row.code !== 0) expect(reply).toEqual({ status_code: row.code, status_msg: reply.status_msg, ...empty });
    row.check?.(reply, fx, headers);
  });
});

/** One request as the row describes it, through app.inject; placeholders resolved against fx. */
async function send(sys: TestSystem, row: Row, fx: Fixture): Promise<{ status: number; type: string; headers: Record<string, unknown>; reply: Reply; raw: string }> {
  const resolve = (fields: Fields = {}): [string, string][] => Object.entries(fields).map(([k, v]) => [k, String(typeof v === 'string' && v.startsWith('$') ? fx[v as Ref] : v)]);
  const query = new URLSearchParams(resolve(row.query)).toString();
  const url = query ? `${row.path}?${query}` : row.path;
  const headers: Record<string, string> = { ...row.headers };
  let payload: string | Buffer | undefined;
  if (row.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    payload = new URLSearchParams(resolve(row.form)).toString();
  } else if (row.multipart) {
    const form = new FormData();
    for (const [k, v] of resolve(row.multipart.fields)) form.append(k, v);
    for (const file of row.multipart.files ?? []) form.append(file.field, new Blob([new Uint8Array(fakeVideo(file.bytes))], { type: 'video/mp4' }), 'clip.mp4');
    const encoded = new Request('http://surge.test/', { method: 'POST', body: form });
    headers['content-type'] = encoded.headers.get('content-type')!;
    payload = Buffer.from(await encoded.arrayBuffer());
  } else if (row.raw) {
    if (row.raw.type) headers['content-type'] = row.raw.type;
    payload = row.raw.body;
  }
  const res = await sys.app.inject({ method: methodOf(row), url, headers, ...(payload === undefined ? {} : { payload }) });
  let reply: Reply;
  try {
    reply = JSON.parse(res.body) as Reply;
  } catch {
    throw new Error(`not JSON: ${res.body.slice(0, 200)}`);
  }
  return { status: res.statusCode, type: String(res.headers['content-type']), headers: res.headers, reply, raw: res.body };
}
