// Video lists written as JSON text with the parts that rarely change encoded once. A feed page
// is ~19 KB of JSON; escaping and joining every title, name and URL on every request is what a
// plain JSON.stringify spends its time on. Here each video's and each author's strings are
// encoded once and reused while they stay the same (checked by comparing the source strings),
// and only numbers and the viewer's flags are written per request. views.ts builds the same
// objects for everything else; a test keeps the two encodings equal.
import type { User } from '#gen/surge/user/v1/user';
import type { Video } from '#gen/surge/video/v1/video';
import type { SeenUser, UrlOf } from './views.js';

interface VideoPart {
  title: string;
  playUrl: string;
  coverUrl: string;
  /** `"play_url":…,"cover_url":…,"title":…` */
  json: string;
}

interface UserPart {
  name: string;
  avatar: string;
  background: string;
  signature: string;
  /** `"name":…,"avatar":…,"background_image":…,"signature":…` */
  json: string;
}

/** Fragments of the strings of videos and users, by id; bounded, dropped whole when full. */
export class FragmentCache {
  private readonly videos = new Map<number, VideoPart>();
  private readonly users = new Map<number, UserPart>();

  constructor(private readonly maxEntries = 50_000) {}

  /** The video's string fields. URLs are made per request (a concatenation) so another base URL is noticed. */
  video(v: Video, urlOf: UrlOf): string {
    const playUrl = urlOf(v.playKey);
    const coverUrl = urlOf(v.coverKey);
    const hit = this.videos.get(v.id);
    if (hit && hit.title === v.title && hit.playUrl === playUrl && hit.coverUrl === coverUrl) return hit.json;
    const json = `"play_url":${JSON.stringify(playUrl)},"cover_url":${JSON.stringify(coverUrl)},"title":${JSON.stringify(v.title)}`;
    if (this.videos.size >= this.maxEntries) this.videos.clear();
    this.videos.set(v.id, { title: v.title, playUrl, coverUrl, json });
    return json;
  }

  user(u: User): string {
    const hit = this.users.get(u.id);
    if (hit && hit.name === u.name && hit.avatar === u.avatar && hit.background === u.backgroundImage && hit.signature === u.signature) return hit.json;
    const json = `"name":${JSON.stringify(u.name)},"avatar":${JSON.stringify(u.avatar)},"background_image":${JSON.stringify(u.backgroundImage)},"signature":${JSON.stringify(u.signature)}`;
    if (this.users.size >= this.maxEntries) this.users.clear();
    this.users.set(u.id, { name: u.name, avatar: u.avatar, background: u.backgroundImage, signature: u.signature, json });
    return json;
  }
}

/** A User object as JSON text (the same fields and values as views.userView). */
export function encodeUser(f: FragmentCache, u: User, isFollow: boolean): string {
  return `{"id":${u.id},${f.user(u)},"follow_count":${u.followCount},"follower_count":${u.followerCount},"is_follow":${isFollow},"total_favorited":${u.totalFavorited},"work_count":${u.workCount},"favorite_count":${u.favoriteCount}}`;
}

/** The input of a video list: videos, their authors by id (with the viewer's follow flag), and the viewer's likes in video order. */
export interface VideoListParts {
  videos: Video[];
  authors: Map<number, SeenUser>;
  likes: readonly boolean[] | undefined;
}

/** A JSON array of Video objects (the fields of views.VideoView). */
export function encodeVideos(f: FragmentCache, p: VideoListParts, urlOf: UrlOf): string {
  if (p.videos.length === 0) return '[]';
  // An author appears many times on a page: encode each once per request.
  const authorJson = new Map<number, string>();
  let out = '[';
  for (let i = 0; i < p.videos.length; i++) {
    const v = p.videos[i]!;
    let author = authorJson.get(v.authorId);
    if (author === undefined) {
      const a = p.authors.get(v.authorId)!;
      author = encodeUser(f, a.user, a.isFollow);
      authorJson.set(v.authorId, author);
    }
    if (i > 0) out += ',';
    out += `{"id":${v.id},"author":${author},${f.video(v, urlOf)},"favorite_count":${v.favoriteCount},"comment_count":${v.commentCount},"is_favorite":${p.likes?.[i] ?? false}}`;
  }
  return out + ']';
}
