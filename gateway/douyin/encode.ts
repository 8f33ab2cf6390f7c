// Video lists written as JSON bytes with the parts that rarely change encoded once. A feed page
// is ~15–19 KB of JSON; escaping every title, name and URL and UTF-8 encoding the whole text on
// every request is what a plain JSON.stringify spends its time on. Here each video's and each
// author's strings are kept as UTF-8 bytes, reused while they stay the same (checked by
// comparing the source strings), and only numbers and the viewer's flags are written per
// request, as ASCII, into one buffer with the cached bytes. views.ts builds the same objects for
// everything else; a test keeps the two encodings equal.
import type { User } from '#gen/surge/user/v1/user';
import type { Video } from '#gen/surge/video/v1/video';
import type { UrlOf, VideoListParts } from './views.js';

/** JSON assembled from cached UTF-8 pieces and ASCII text (numbers, booleans, field names). */
export class JsonBytes {
  private readonly parts: (Buffer | string)[] = [];
  private size = 0;

  /** Text of ASCII characters only: its length is its size in bytes. */
  ascii(text: string): this {
    this.parts.push(text);
    this.size += text.length;
    return this;
  }

  bytes(b: Buffer): this {
    this.parts.push(b);
    this.size += b.length;
    return this;
  }

  finish(): Buffer {
    const out = Buffer.allocUnsafe(this.size);
    let at = 0;
    for (const p of this.parts) at += typeof p === 'string' ? out.write(p, at, 'latin1') : p.copy(out, at);
    return out;
  }
}

interface VideoPart {
  title: string;
  play: string;
  cover: string;
  base: string;
  /** The author's fragment it was built with (a new one when the author's strings change). */
  author: Buffer;
  /** `{"id":…,"play_url":…,"cover_url":…,"title":…,"author":{"id":…,"name":…,…,"signature":…` */
  bytes: Buffer;
}

interface UserPart {
  name: string;
  avatar: string;
  background: string;
  signature: string;
  /** `{"id":…,"name":…,"avatar":…,"background_image":…,"signature":…` */
  bytes: Buffer;
}

/** Encoded strings of videos and users, by id; bounded, dropped whole when full. */
export class FragmentCache {
  private readonly videos = new Map<number, VideoPart>();
  private readonly users = new Map<number, UserPart>();

  constructor(private readonly maxEntries = 50_000) {}

  /**
   * The video's string fields and its author's, as one piece. `base` is what urlOf puts before
   * keys: another base (another Host) rebuilds the URLs.
   */
  video(v: Video, author: User, urlOf: UrlOf, base: string): Buffer {
    const a = this.user(author);
    const hit = this.videos.get(v.id);
    if (hit && hit.author === a && hit.title === v.title && hit.play === v.playKey && hit.cover === v.coverKey && hit.base === base) return hit.bytes;
    const own = Buffer.from(`{"id":${v.id},"play_url":${JSON.stringify(urlOf(v.playKey))},"cover_url":${JSON.stringify(urlOf(v.coverKey))},"title":${JSON.stringify(v.title)},"author":`);
    const bytes = Buffer.concat([own, a]);
    if (this.videos.size >= this.maxEntries) this.videos.clear();
    this.videos.set(v.id, { title: v.title, play: v.playKey, cover: v.coverKey, base, author: a, bytes });
    return bytes;
  }

  user(u: User): Buffer {
    const hit = this.users.get(u.id);
    if (hit && hit.name === u.name && hit.avatar === u.avatar && hit.background === u.backgroundImage && hit.signature === u.signature) return hit.bytes;
    const bytes = Buffer.from(`{"id":${u.id},"name":${JSON.stringify(u.name)},"avatar":${JSON.stringify(u.avatar)},"background_image":${JSON.stringify(u.backgroundImage)},"signature":${JSON.stringify(u.signature)}`);
    if (this.users.size >= this.maxEntries) this.users.clear();
    this.users.set(u.id, { name: u.name, avatar: u.avatar, background: u.backgroundImage, signature: u.signature, bytes });
    return bytes;
  }
}

/** The per-request tail of a User object: counters and the viewer's flag (ASCII). */
const userTail = (u: User, isFollow: boolean) =>
  `,"follow_count":${u.followCount},"follower_count":${u.followerCount},"is_follow":${isFollow},"total_favorited":${u.totalFavorited},"work_count":${u.workCount},"favorite_count":${u.favoriteCount}}`;

/** A User object (the same fields and values as views.userView). */
export function writeUser(out: JsonBytes, f: FragmentCache, u: User, isFollow: boolean): JsonBytes {
  return out.bytes(f.user(u)).ascii(userTail(u, isFollow));
}

/** A JSON array of Video objects (the fields of views.VideoView). */
export function writeVideos(out: JsonBytes, f: FragmentCache, p: VideoListParts, urlOf: UrlOf, base: string): JsonBytes {
  out.ascii('[');
  // An author appears many times on a page: their tail is written once per request.
  const tails = new Map<number, string>();
  for (let i = 0; i < p.videos.length; i++) {
    const v = p.videos[i]!;
    const a = p.authors.get(v.authorId)!;
    let tail = tails.get(v.authorId);
    if (tail === undefined) tails.set(v.authorId, (tail = userTail(a.user, a.isFollow)));
    out.bytes(f.video(v, a.user, urlOf, base));
    out.ascii(`${tail},"favorite_count":${v.favoriteCount},"comment_count":${v.commentCount},"is_favorite":${p.likes?.[i] ?? false}}${i + 1 < p.videos.length ? ',' : ''}`);
  }
  return out.ascii(']');
}
