// The Douyin API end to end, as the mobile client uses it, in embedded mode and on the real
// servers: register, publish a video, feed, like, comment, follow back, friends, chat.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireServer, servers } from '#kit/testing';
import { startTestSystem, type Mode, type TestSystem } from './harness.js';
import { DouyinClient, eventually, USER_FIELDS, VIDEO_FIELDS, type Reply } from './douyin/client.js';
import { sampleVideo } from './douyin/media.js';

const onServers = (await requireServer(servers.mariadb)) && (await requireServer(servers.redis)) && (await requireServer(servers.nats));
const modes: Mode[] = onServers ? ['embedded', 'servers'] : ['embedded'];
const video = sampleVideo();

describe.each(modes)('Douyin API (%s)', (mode) => {
  let sys: TestSystem;
  let api: DouyinClient;
  let seq = 0;
  const uniq = (p: string) => `${p}${Date.now().toString(36)}${seq++}`;

  beforeAll(async () => {
    // The log is captured: the last test checks no password or token of the run reached it.
    sys = await startTestSystem(mode, { 'limits.loginPerIp.quota': 1000 }, { captureLog: true });
    api = new DouyinClient(sys.url);
  });
  afterAll(async () => sys?.stop());

  const register = async (name = uniq('u')) => {
    const r = await api.ok('POST', '/douyin/user/register/', { username: name, password: 'secret123' });
    return { id: r.user_id as number, token: r.token as string, name };
  };
  const userOf = async (id: number, token: string) => (await api.ok('GET', '/douyin/user/', { user_id: id, token })).user as Reply;

  it('registers and signs in; a failed attempt still sends user_id 0 and an empty token', async () => {
    const name = uniq('alice@example.com-');
    const reg = await api.ok('POST', '/douyin/user/register/', { username: name, password: 'secret123' });
    expect(Number.isSafeInteger(reg.user_id) && reg.user_id > 0).toBe(true);
    expect(reg.token).toEqual(expect.any(String));

    const dup = await api.call('POST', '/douyin/user/register/', { username: name, password: 'secret123' });
    expect(dup).toMatchObject({ status_code: 40901, user_id: 0, token: '' });
    expect(dup.status_msg).toContain('username');

    const bad = await api.call('POST', '/douyin/user/login/', { username: name, password: 'wrong-password' });
    expect(bad).toMatchObject({ user_id: 0, token: '' });
    expect(bad.status_code).not.toBe(0);

    const login = await api.ok('POST', '/douyin/user/login/', { username: name, password: 'secret123' });
    expect(login.user_id).toBe(reg.user_id);
    // The first device's token still works after signing in again.
    const me = await api.ok('GET', '/douyin/user/', { token: reg.token });
    expect(Object.keys(me.user).sort()).toEqual([...USER_FIELDS].sort());
    expect(me.user).toMatchObject({ id: reg.user_id, name, follow_count: 0, follower_count: 0, is_follow: false, total_favorited: 0, work_count: 0, favorite_count: 0 });
  });

  it('publishes a video, serves its bytes with ranges, and shows it in the feed and the works list', async () => {
    const author = await register();
    const empty = await api.ok('GET', '/douyin/feed/', { latest_time: 1_000 });
    expect(empty).toMatchObject({ video_list: [], next_time: 1_000_000 });

    await api.ok('POST', '/douyin/publish/action/', { token: author.token, title: 'first clip' }, { file: video });
    const works = await api.ok('GET', '/douyin/publish/list/', { user_id: author.id, token: author.token });
    expect(works.video_list).toHaveLength(1);
    const v = works.video_list[0];
    expect(Object.keys(v).sort()).toEqual([...VIDEO_FIELDS].sort());
    expect(v).toMatchObject({ title: 'first clip', favorite_count: 0, comment_count: 0, is_favorite: false, author: { id: author.id, name: author.name } });

    const play = await fetch(v.play_url);
    expect(play.status).toBe(200);
    expect(new Uint8Array(await play.arrayBuffer())).toEqual(video.bytes);
    if (mode === 'embedded') {
      expect(play.headers.get('content-type')).toBe('video/mp4');
      const part = await fetch(v.play_url, { headers: { range: 'bytes=10-19' } });
      expect(part.status).toBe(206);
      expect(new Uint8Array(await part.arrayBuffer())).toEqual(video.bytes.slice(10, 20));
    }
    const cover = await fetch(v.cover_url);
    expect(cover.status).toBe(200);
    expect(cover.headers.get('content-type')).toMatch(/^image\//);

    const feed = await api.ok('GET', '/douyin/feed/', {});
    expect(feed.video_list.map((x: Reply) => x.id)).toContain(v.id);
    expect(feed.next_time).toBeGreaterThan(1e12);
    await eventually(() => userOf(author.id, author.token), (u) => u.work_count === 1).then((u) => expect(u.work_count).toBe(1));
  });

  it('likes once however often it is sent, unlikes, and counts likes given and received', async () => {
    const author = await register();
    const fan = await register();
    await api.ok('POST', '/douyin/publish/action/', { token: author.token, title: 'like me' }, { file: video });
    const [v] = (await api.ok('GET', '/douyin/publish/list/', { user_id: author.id, token: fan.token })).video_list;

    for (let i = 0; i < 3; i++) await api.ok('POST', '/douyin/favorite/action/', { token: fan.token, video_id: v.id, action_type: 1 }, { send: 'form' });
    const liked = await eventually(
      async () => (await api.ok('GET', '/douyin/favorite/list/', { user_id: fan.id, token: fan.token })).video_list,
      (l) => l[0]?.favorite_count === 1,
    );
    expect(liked).toHaveLength(1);
    expect(liked[0]).toMatchObject({ id: v.id, is_favorite: true, favorite_count: 1 });
    expect(await eventually(() => userOf(author.id, fan.token), (u) => u.total_favorited === 1)).toMatchObject({ total_favorited: 1 });
    expect(await eventually(() => userOf(fan.id, fan.token), (u) => u.favorite_count === 1)).toMatchObject({ favorite_count: 1 });

    await api.ok('POST', '/douyin/favorite/action/', { token: fan.token, video_id: v.id, action_type: 2 });
    await api.ok('POST', '/douyin/favorite/action/', { token: fan.token, video_id: v.id, action_type: 2 });
    expect((await api.ok('GET', '/douyin/favorite/list/', { user_id: fan.id, token: fan.token })).video_list).toEqual([]);
    expect(await eventually(() => userOf(author.id, fan.token), (u) => u.total_favorited === 0)).toMatchObject({ total_favorited: 0 });
  });

  it('counts concurrent likes exactly: one user 40 times at once is one like, 25 users at once are 25', async () => {
    const author = await register();
    await api.ok('POST', '/douyin/publish/action/', { token: author.token, title: 'hot' }, { file: video });
    const [v] = (await api.ok('GET', '/douyin/publish/list/', { user_id: author.id, token: author.token })).video_list;
    const fan = await register();
    const replies = await Promise.all(Array.from({ length: 40 }, () => api.call('POST', '/douyin/favorite/action/', { token: fan.token, video_id: v.id, action_type: 1 })));
    expect(replies.every((r) => r.status_code === 0)).toBe(true);
    const fans = [];
    for (let i = 0; i < 25; i++) fans.push(await register());
    await Promise.all(fans.map((f) => api.ok('POST', '/douyin/favorite/action/', { token: f.token, video_id: v.id, action_type: 1 })));
    const seen = await eventually(
      async () => (await api.ok('GET', '/douyin/publish/list/', { user_id: author.id, token: author.token })).video_list[0],
      (x) => x.favorite_count === 26,
    );
    expect(seen.favorite_count).toBe(26);
    expect(await eventually(() => userOf(author.id, author.token), (u) => u.total_favorited === 26)).toMatchObject({ total_favorited: 26 });
    // Settled: nothing more arrives later.
    await new Promise((r) => setTimeout(r, 300));
    expect((await api.ok('GET', '/douyin/publish/list/', { user_id: author.id, token: author.token })).video_list[0].favorite_count).toBe(26);
  });

  it('comments newest first with MM-DD dates; only the author deletes a comment', async () => {
    const author = await register();
    const fan = await register();
    await api.ok('POST', '/douyin/publish/action/', { token: author.token, title: 'talk' }, { file: video });
    const [v] = (await api.ok('GET', '/douyin/publish/list/', { user_id: author.id, token: author.token })).video_list;

    const first = await api.ok('POST', '/douyin/comment/action/', { token: fan.token, video_id: v.id, action_type: 1, comment_text: 'nice 👍' });
    expect(first.comment).toMatchObject({ content: 'nice 👍', user: { id: fan.id } });
    expect(first.comment.create_date).toMatch(/^\d\d-\d\d$/);
    const second = await api.ok('POST', '/douyin/comment/action/', { token: author.token, video_id: v.id, action_type: 1, comment_text: 'thanks' }, { send: 'multipart' });

    const list = await api.ok('GET', '/douyin/comment/list/', { video_id: v.id });
    expect(list.comment_list.map((c: Reply) => c.id)).toEqual([second.comment.id, first.comment.id]);
    expect(await eventually(async () => (await api.ok('GET', '/douyin/feed/', { token: fan.token })).video_list.find((x: Reply) => x.id === v.id), (x) => x?.comment_count === 2)).toMatchObject({ comment_count: 2 });

    const refused = await api.call('POST', '/douyin/comment/action/', { token: author.token, video_id: v.id, action_type: 2, comment_id: first.comment.id });
    expect(refused).toMatchObject({ status_code: 40301, comment: null });
    const deleted = await api.ok('POST', '/douyin/comment/action/', { token: fan.token, video_id: v.id, action_type: 2, comment_id: first.comment.id });
    expect(deleted.comment).toMatchObject({ id: first.comment.id, content: 'nice 👍' });
    expect((await api.ok('GET', '/douyin/comment/list/', { video_id: v.id, token: 'not-a-token' })).comment_list).toHaveLength(1);
  });

  it('follows back into friends, and chats; the friend list shows the latest message', async () => {
    const a = await register();
    const b = await register();
    await api.ok('POST', '/douyin/relation/action/', { token: a.token, to_user_id: b.id, action_type: 1 });
    await api.ok('POST', '/douyin/relation/action/', { token: a.token, to_user_id: b.id, action_type: 1 });
    expect((await api.ok('GET', '/douyin/relation/friend/list/', { user_id: a.id, token: a.token })).user_list).toEqual([]);
    const followers = await api.ok('GET', '/douyin/relation/follower/list/', { user_id: b.id, token: b.token });
    expect(followers.user_list.map((u: Reply) => [u.id, u.is_follow])).toEqual([[a.id, false]]);
    await api.ok('POST', '/douyin/relation/action/', { token: b.token, to_user_id: a.id, action_type: 1 });
    const following = await api.ok('GET', '/douyin/relation/follow/list/', { user_id: a.id, token: a.token });
    expect(following.user_list.map((u: Reply) => [u.id, u.is_follow])).toEqual([[b.id, true]]);
    expect(await eventually(() => userOf(b.id, a.token), (u) => u.follower_count === 1 && u.follow_count === 1)).toMatchObject({ follower_count: 1, follow_count: 1, is_follow: true });

    const friends = await api.ok('GET', '/douyin/relation/friend/list/', { user_id: a.id, token: a.token });
    expect(friends.user_list).toHaveLength(1);
    expect(friends.user_list[0]).toMatchObject({ id: b.id, message: '', msgType: 0 });

    await api.ok('POST', '/douyin/message/action/', { token: a.token, to_user_id: b.id, action_type: 1, content: 'hello b' });
    await api.ok('POST', '/douyin/message/action/', { token: b.token, to_user_id: a.id, action_type: 1, content: 'hi a' }, { send: 'form' });
    const chat = await api.ok('GET', '/douyin/message/chat/', { token: a.token, to_user_id: b.id });
    expect(chat.message_list.map((m: Reply) => [m.from_user_id, m.to_user_id, m.content])).toEqual([[a.id, b.id, 'hello b'], [b.id, a.id, 'hi a']]);
    expect(chat.message_list[1].create_time).toBeGreaterThan(chat.message_list[0].create_time);
    const newer = await api.ok('GET', '/douyin/message/chat/', { token: a.token, to_user_id: b.id, pre_msg_time: chat.message_list[0].create_time });
    expect(newer.message_list.map((m: Reply) => m.content)).toEqual(['hi a']);

    expect((await api.ok('GET', '/douyin/relation/friend/list/', { user_id: a.id, token: a.token })).user_list[0]).toMatchObject({ id: b.id, message: 'hi a', msgType: 0 });
    expect((await api.ok('GET', '/douyin/relation/friend/list/', { user_id: b.id, token: b.token })).user_list[0]).toMatchObject({ id: a.id, message: 'hi a', msgType: 1 });

    await api.ok('POST', '/douyin/relation/action/', { token: a.token, to_user_id: b.id, action_type: 2 });
    await api.ok('POST', '/douyin/relation/action/', { token: a.token, to_user_id: b.id, action_type: 2 });
    expect((await api.ok('GET', '/douyin/relation/friend/list/', { user_id: a.id, token: a.token })).user_list).toEqual([]);
  });

  it('reads parameters from a form body on GET, the body winning over the query', async () => {
    const a = await register();
    // fetch() refuses a GET with a body; some clients send one anyway.
    const body = `token=${encodeURIComponent(a.token)}`;
    const reply = await new Promise<Reply>((resolve, reject) => {
      const req = request(`${sys.url}/douyin/user/?token=not-valid`, { method: 'GET', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve(JSON.parse(text) as Reply));
      });
      req.on('error', reject);
      req.end(body);
    });
    expect(reply).toMatchObject({ status_code: 0, user: { id: a.id } });
  });

  it('pages the feed by next_time without repeating or skipping a video', async () => {
    const author = await register();
    for (let i = 0; i < 33; i++) await api.ok('POST', '/douyin/publish/action/', { token: author.token, title: `clip ${i}` }, { file: video });
    const seen: number[] = [];
    let next: number | undefined;
    for (let page = 0; page < 10; page++) {
      const r = await api.ok('GET', '/douyin/feed/', { latest_time: next, token: author.token });
      if (r.video_list.length === 0) break;
      expect(r.video_list.length).toBeLessThanOrEqual(30);
      seen.push(...r.video_list.filter((x: Reply) => x.author.id === author.id).map((x: Reply) => x.id));
      next = r.next_time;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toHaveLength(33);
  });

  // Runs last: it reads the log of every request above.
  it('never writes a password or token it used to the log (the Douyin API sends them in the query string)', async () => {
    const log = await sys.logText();
    // The log really holds the run's requests, sign-ups with their query strings included.
    const requests = log.split('\n').filter((line) => line.includes('"msg":"request"'));
    expect(requests.length).toBeGreaterThan(100);
    expect(requests.some((line) => line.includes('"route":"/douyin/user/register/"') && line.includes('password=[redacted]'))).toBe(true);
    expect(requests.some((line) => line.includes('token=[redacted]'))).toBe(true);
    expect(api.secrets.size).toBeGreaterThan(30);
    const leaked = [...api.secrets].filter((secret) => log.includes(secret) || log.includes(encodeURIComponent(secret)));
    expect(leaked).toEqual([]);
  });
});
