// The JSON text of video lists equals what JSON.stringify makes of the client's objects, and
// cached fragments follow every change of the strings they were built from.
import { describe, expect, it } from 'vitest';
import type { User } from '#gen/surge/user/v1/user';
import type { Video } from '#gen/surge/video/v1/video';
import { FlaggedReply, FragmentCache, JsonBytes, writeUser, writeVideos } from './encode.js';

const encodeUser = (f: FragmentCache, u: User, flag: boolean) => writeUser(new JsonBytes(), f, u, flag).finish().toString();
const encodeVideos = (f: FragmentCache, p: VideoListParts, urlOf: UrlOf) => writeVideos(new JsonBytes(), f, p, urlOf, urlOf('x').slice(0, -1)).finish().toString();
import { userView, type UrlOf, type VideoListParts } from './views.js';

const user = (id: number, o: Partial<User> = {}): User => ({
  id, username: `u${id}`, name: `name "${id}" \\ 名字 😀 \u2028`, avatar: 'https://a.example/x.png', signature: 'line\nbreak', createdAt: 1, backgroundImage: '',
  followCount: 3, followerCount: 4, workCount: 5, favoriteCount: 6, totalFavorited: 7, ...o,
});
const video = (id: number, authorId: number, o: Partial<Video> = {}): Video => ({
  id, authorId, title: `title </script> "${id}"`, playKey: `videos/${id}.mp4`, coverKey: `covers/${id}.jpg`, publishedAt: 1_700_000_000_000 + id, favoriteCount: id * 2, commentCount: id * 3, ...o,
});
const urls = (base: string): UrlOf => (key) => `${base}/douyin/blob/${key}`;

/** The reference: the objects as views.ts builds them, through JSON.stringify. */
const reference = (videos: Video[], authors: Map<number, { user: User; isFollow: boolean }>, likes: boolean[] | undefined, urlOf: UrlOf) =>
  JSON.parse(JSON.stringify(videos.map((v, i) => {
    const a = authors.get(v.authorId)!;
    return { id: v.id, author: userView(a.user, a.isFollow), play_url: urlOf(v.playKey), cover_url: urlOf(v.coverKey), favorite_count: v.favoriteCount, comment_count: v.commentCount, is_favorite: likes?.[i] ?? false, title: v.title };
  })));

describe('video list encoding', () => {
  it('writes a user exactly as userView does', () => {
    const f = new FragmentCache();
    for (const flag of [true, false]) expect(JSON.parse(encodeUser(f, user(1), flag))).toEqual(JSON.parse(JSON.stringify(userView(user(1), flag))));
  });

  it('writes a page exactly as the objects would be written, authors repeated, likes per video', () => {
    const f = new FragmentCache();
    const authors = new Map([[1, { user: user(1), isFollow: true }], [2, { user: user(2), isFollow: false }]]);
    const videos = [video(10, 1), video(11, 2), video(12, 1)];
    const urlOf = urls('http://10.0.0.2:8080');
    expect(JSON.parse(encodeVideos(f, { videos, authors, likes: [true, false, true] }, urlOf))).toEqual(reference(videos, authors, [true, false, true], urlOf));
    expect(JSON.parse(encodeVideos(f, { videos, authors, likes: undefined }, urlOf))).toEqual(reference(videos, authors, undefined, urlOf));
    expect(encodeVideos(f, { videos: [], authors, likes: undefined }, urlOf)).toBe('[]');
    // Bytes, not UTF-16: names and titles in any script survive.
    expect(JSON.parse(encodeVideos(f, { videos: [video(13, 1, { title: '标题 😀' })], authors, likes: [false] }, urlOf))[0].title).toBe('标题 😀');
  });

  it('rebuilds a fragment when a title, a name, a counter or the base URL changes', () => {
    const f = new FragmentCache();
    const urlOf = urls('http://a');
    const authors = new Map([[1, { user: user(1), isFollow: false }]]);
    encodeVideos(f, { videos: [video(10, 1)], authors, likes: undefined }, urlOf);

    const changed = new Map([[1, { user: user(1, { name: 'renamed', followerCount: 99 }), isFollow: true }]]);
    const videos = [video(10, 1, { title: 'new title', favoriteCount: 42 })];
    for (const u of [urlOf, urls('http://b')]) {
      expect(JSON.parse(encodeVideos(f, { videos, authors: changed, likes: [true] }, u))).toEqual(reference(videos, changed, [true], u));
    }
  });

  it('stays bounded: a full cache starts over', () => {
    const f = new FragmentCache(2);
    const urlOf = urls('http://a');
    const authors = new Map([[1, { user: user(1), isFollow: false }]]);
    const videos = [video(1, 1), video(2, 1), video(3, 1)];
    expect(JSON.parse(encodeVideos(f, { videos, authors, likes: undefined }, urlOf))).toEqual(reference(videos, authors, undefined, urlOf));
  });

  it('a reply written once with flag slots renders each viewer’s flags as writeVideos would, at the same length', () => {
    const f = new FragmentCache();
    const urlOf = urls('http://10.0.0.2:8080');
    const profiles = new Map([[1, user(1)], [2, user(2)]]);
    const videos = [video(10, 1), video(11, 2), video(12, 1), video(13, 2, { title: '标题 😀' })];
    const reply = FlaggedReply.build('{"status_code":0,"video_list":', videos, profiles, ',"next_time":5}', f, urlOf, urlOf('x').slice(0, -1));
    const seen = (follows: number[], likes: boolean[] | undefined) => new Map([...profiles].map(([id, u]) => [id, { user: u, isFollow: follows.includes(id) }]));
    const cases: [follows: number[], likes: boolean[] | undefined][] = [[[], undefined], [[1], [true, false, false, true]], [[1, 2], [true, true, true, true]], [[2], [false, false, true, false]]];
    const lengths = new Set<number>();
    for (const [follows, likes] of cases) {
      const bytes = reply.render(likes ? { followed: new Set(follows), likes } : undefined);
      lengths.add(bytes.length);
      const body = JSON.parse(bytes.toString());
      expect(body.status_code).toBe(0);
      expect(body.next_time).toBe(5);
      expect(body.video_list).toEqual(reference(videos, seen(likes ? follows : [], likes), likes, urlOf));
    }
    expect(lengths.size).toBe(1);
    // One viewer's reply is their own copy: rendering another's leaves it as it was.
    const mine = reply.render({ followed: new Set([1]), likes: [true, true, true, true] });
    const before = mine.toString();
    reply.render({ followed: new Set(), likes: [false, false, false, false] });
    expect(mine.toString()).toBe(before);
    expect(JSON.parse(reply.render().toString()).video_list.every((v: { is_favorite: boolean; author: { is_follow: boolean } }) => !v.is_favorite && !v.author.is_follow)).toBe(true);
  });
});
