// The objects the Douyin client reads (User, Video, Comment, message), packed from batch calls:
// a page costs one call per service it touches, whatever its length. Field names and types are
// the client's; every field is always present.
import type { CallOptions } from '#kit/rpc';
import type { Comment } from '#gen/surge/interaction/v1/interaction';
import type { ChatMessage } from '#gen/surge/message/v1/message';
import type { User } from '#gen/surge/user/v1/user';
import type { Video } from '#gen/surge/video/v1/video';
import type { DouyinClients } from './clients.js';

export interface UserView {
  id: number;
  name: string;
  follow_count: number;
  follower_count: number;
  is_follow: boolean;
  avatar: string;
  background_image: string;
  signature: string;
  total_favorited: number;
  work_count: number;
  favorite_count: number;
}

export interface VideoView {
  id: number;
  author: UserView;
  play_url: string;
  cover_url: string;
  favorite_count: number;
  comment_count: number;
  is_favorite: boolean;
  title: string;
}

export interface CommentView {
  id: number;
  user: UserView;
  content: string;
  create_date: string;
}

export interface MessageView {
  id: number;
  to_user_id: number;
  from_user_id: number;
  content: string;
  create_time: number;
}

export const userView = (u: User, isFollow: boolean): UserView => ({
  id: u.id,
  name: u.name,
  follow_count: u.followCount,
  follower_count: u.followerCount,
  is_follow: isFollow,
  avatar: u.avatar,
  background_image: u.backgroundImage,
  signature: u.signature,
  total_favorited: u.totalFavorited,
  work_count: u.workCount,
  favorite_count: u.favoriteCount,
});

/** A user that is gone (deleted account) still renders: the client cannot show a hole. */
const missingUser = (id: number): User => ({ id, username: '', name: '', avatar: '', signature: '', createdAt: 0, backgroundImage: '', followCount: 0, followerCount: 0, workCount: 0, favoriteCount: 0, totalFavorited: 0 });

export const messageView = (m: ChatMessage): MessageView => ({ id: m.id, to_user_id: m.toUserId, from_user_id: m.fromUserId, content: m.content, create_time: m.createdAt });

const unique = (ids: number[]) => [...new Set(ids)];
const none = Promise.resolve(undefined);

/** Turns blob keys into URLs the client fetches. */
export type UrlOf = (key: string) => string;

/**
 * Users by id, each once: one call, the same for every viewer. A user that is gone still renders
 * as an empty profile unless keepMissing is false.
 */
export async function loadProfiles(c: DouyinClients, call: CallOptions, ids: number[], o: { keepMissing?: boolean } = {}): Promise<Map<number, User>> {
  const ids1 = unique(ids);
  const out = new Map<number, User>();
  if (ids1.length === 0) return out;
  const { users } = await c.users.getUsers({ ids: ids1 }, call);
  for (const u of users) out.set(u.id, u);
  if (o.keepMissing ?? true) for (const id of ids1) if (!out.has(id)) out.set(id, missingUser(id));
  return out;
}

/** What is the viewer's own on a list: the authors they follow and the videos they like (in list order). */
export interface ViewerFlags {
  followed: ReadonlySet<number>;
  likes: readonly boolean[];
}

/**
 * The viewer's flags on a list of videos by these authors: two calls in parallel; none (undefined)
 * for an anonymous viewer or an empty list.
 */
export async function viewerFlags(c: DouyinClients, v: ViewContext, videos: readonly Video[], authorIds: number[]): Promise<ViewerFlags | undefined> {
  if (!v.viewer || videos.length === 0) return undefined;
  const [follows, likes] = await Promise.all([
    c.relations.isFollowing({ userId: v.viewer, targetIds: authorIds }, v.call),
    c.interactions.isFavorite({ userId: v.viewer, videoIds: videos.map((x) => x.id) }, v.call),
  ]);
  const followed = new Set<number>();
  authorIds.forEach((id, i) => follows.values[i] && followed.add(id));
  return { followed, likes: likes.values };
}

/** What the viewer sees: their id (0 for anonymous) and the request's call options. */
export interface ViewContext {
  viewer: number;
  call: CallOptions;
  urlOf: UrlOf;
  /** What urlOf puts before a key, when it does (blobs the gateway serves); '' when the store has its own URLs. */
  urlBase(): string;
}

/** A user and whether the viewer follows them. */
export interface SeenUser {
  user: User;
  isFollow: boolean;
}

/** The input of a video list (encode.ts writes it): videos, their authors by id (with the viewer's follow flag), and the viewer's likes in video order. */
export interface VideoListParts {
  videos: Video[];
  authors: Map<number, SeenUser>;
  likes: readonly boolean[] | undefined;
}

/** Users by id (loadProfiles) as the viewer sees them: the profiles and is-follow, two calls in parallel. */
export async function loadUsers(c: DouyinClients, v: ViewContext, ids: number[], o: { keepMissing?: boolean } = {}): Promise<Map<number, SeenUser>> {
  const ids1 = unique(ids);
  if (ids1.length === 0) return new Map();
  const [profiles, follows] = await Promise.all([
    loadProfiles(c, v.call, ids1, o),
    v.viewer ? c.relations.isFollowing({ userId: v.viewer, targetIds: ids1 }, v.call) : none,
  ]);
  const flag = new Map(ids1.map((id, i) => [id, follows?.values[i] ?? false]));
  return new Map([...profiles].map(([id, user]) => [id, { user, isFollow: flag.get(id) ?? false }]));
}

/** Users by id as the client's User objects. */
export async function packUsers(c: DouyinClients, v: ViewContext, ids: number[], o: { keepMissing?: boolean } = {}): Promise<Map<number, UserView>> {
  const seen = await loadUsers(c, v, ids, o);
  return new Map([...seen].map(([id, s]) => [id, userView(s.user, s.isFollow)]));
}

/** Users in the order of ids. */
export async function userList(c: DouyinClients, v: ViewContext, ids: number[]): Promise<UserView[]> {
  const m = await packUsers(c, v, ids);
  return ids.map((id) => m.get(id)!);
}

/** What a list of videos shows: their authors and the viewer's likes, from two calls in parallel (three services). */
export async function loadVideoParts(c: DouyinClients, v: ViewContext, videos: Video[]): Promise<VideoListParts> {
  if (videos.length === 0) return { videos, authors: new Map(), likes: undefined };
  const [authors, likes] = await Promise.all([
    loadUsers(c, v, videos.map((x) => x.authorId)),
    v.viewer ? c.interactions.isFavorite({ userId: v.viewer, videoIds: videos.map((x) => x.id) }, v.call) : none,
  ]);
  return { videos, authors, likes: likes?.values };
}

/** `MM-DD` of a time in the configured zone; one formatter per zone, built once. */
export function dateFormatter(timeZone: string): (ms: number) => string {
  const f = new Intl.DateTimeFormat('en-US', { timeZone, month: '2-digit', day: '2-digit' });
  return (ms) => {
    const parts = f.formatToParts(ms);
    const part = (t: string) => parts.find((p) => p.type === t)?.value ?? '00';
    return `${part('month')}-${part('day')}`;
  };
}

export async function packComments(c: DouyinClients, v: ViewContext, comments: Comment[], date: (ms: number) => string): Promise<CommentView[]> {
  const users = await packUsers(c, v, comments.map((x) => x.userId));
  return comments.map((x) => ({ id: x.id, user: users.get(x.userId)!, content: x.content, create_date: date(x.createdAt) }));
}
