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

  /** Bytes written so far: where the next text or bytes go. */
  get length(): number {
    return this.size;
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

/** The tail of a User object up to its viewer's flag: counters (ASCII), then `"is_follow":`. */
const userTail = (u: User) =>
  `,"follow_count":${u.followCount},"follower_count":${u.followerCount},"total_favorited":${u.totalFavorited},"work_count":${u.workCount},"favorite_count":${u.favoriteCount},"is_follow":`;

/** A User object (the same fields and values as views.userView). */
export function writeUser(out: JsonBytes, f: FragmentCache, u: User, isFollow: boolean): JsonBytes {
  return out.bytes(f.user(u)).ascii(`${userTail(u)}${isFollow}}`);
}

/** How a list writes the viewer's flags: their values (writeVideos), or slots (FlaggedReply). */
interface FlagWriter {
  /** The viewer's is_follow of this author. */
  follow(out: JsonBytes, authorId: number): void;
  /** The viewer's is_favorite of the list's i-th video. */
  like(out: JsonBytes, i: number): void;
}

/** A JSON array of Video objects (the fields of views.VideoView), the flags as `flags` writes them. */
function writeList(out: JsonBytes, f: FragmentCache, videos: readonly Video[], authorOf: (id: number) => User, urlOf: UrlOf, base: string, flags: FlagWriter): JsonBytes {
  out.ascii('[');
  // An author appears many times on a page: their tail is written once per list.
  const tails = new Map<number, string>();
  for (let i = 0; i < videos.length; i++) {
    const v = videos[i]!;
    const author = authorOf(v.authorId);
    let tail = tails.get(v.authorId);
    if (tail === undefined) tails.set(v.authorId, (tail = userTail(author)));
    out.bytes(f.video(v, author, urlOf, base)).ascii(tail);
    flags.follow(out, v.authorId);
    out.ascii(`},"favorite_count":${v.favoriteCount},"comment_count":${v.commentCount},"is_favorite":`);
    flags.like(out, i);
    out.ascii(i + 1 < videos.length ? '},' : '}');
  }
  return out.ascii(']');
}

/** A JSON array of Video objects (the fields of views.VideoView) as this viewer sees them. */
export function writeVideos(out: JsonBytes, f: FragmentCache, p: VideoListParts, urlOf: UrlOf, base: string): JsonBytes {
  return writeList(out, f, p.videos, (id) => p.authors.get(id)!.user, urlOf, base, {
    follow: (o, id) => o.ascii(p.authors.get(id)!.isFollow ? 'true' : 'false'),
    like: (o, i) => o.ascii(p.likes?.[i] ? 'true' : 'false'),
  });
}

/** "false" and the 5 bytes a slot holds for true: JSON allows the space after a value. */
const TRUE_IN_SLOT = Buffer.from('true ');
const FALSE = 'false';

/**
 * A video-list reply written once and sent to every viewer with their own flags: every byte is
 * fixed but each is_follow and is_favorite, which sit in 5-byte slots (`false`, or `true `), so
 * a viewer's reply is one copy of the bytes and a write per true flag (decision 86). For a page
 * many viewers read (the feed's newest page, feed-page.ts).
 */
export class FlaggedReply {
  private constructor(
    private readonly bytes: Buffer,
    /** Offsets of is_follow slots, with the author each names. */
    private readonly follows: readonly { at: number; author: number }[],
    /** Offsets of the is_favorite slots, in video order. */
    private readonly likes: readonly number[],
  ) {}

  /** `head` + the list + `tail`, as writeVideos writes them; the flags are slots. */
  static build(head: string, videos: readonly Video[], authors: ReadonlyMap<number, User>, tail: string, f: FragmentCache, urlOf: UrlOf, base: string): FlaggedReply {
    const out = new JsonBytes().ascii(head);
    const follows: { at: number; author: number }[] = [];
    const likes: number[] = [];
    writeList(out, f, videos, (id) => authors.get(id)!, urlOf, base, {
      follow: (o, author) => {
        follows.push({ at: o.length, author });
        o.ascii(FALSE);
      },
      like: (o) => {
        likes.push(o.length);
        o.ascii(FALSE);
      },
    });
    return new FlaggedReply(out.ascii(tail).finish(), follows, likes);
  }

  /** The reply as a viewer who follows `followed` and likes the videos where `likes` is true sees it; none: an anonymous one. */
  render(viewer?: { followed: ReadonlySet<number>; likes: readonly boolean[] }): Buffer {
    if (!viewer) return this.bytes;
    const out = Buffer.allocUnsafe(this.bytes.length);
    this.bytes.copy(out);
    for (const s of this.follows) if (viewer.followed.has(s.author)) out.set(TRUE_IN_SLOT, s.at);
    for (let i = 0; i < this.likes.length; i++) if (viewer.likes[i]) out.set(TRUE_IN_SLOT, this.likes[i]!);
    return out;
  }
}
