// Articles as the JSON bytes the API sends (ArticleReply, ArticlePage). What depends on the
// article alone (its fields, a list's summary) is serialized once per cached row object, and an
// author once per cached user (#kit/json fragments, decision 64); only the counts and the caller's
// like flag are written per request. The fragments' schemas are the routes' own, less the fields
// written here, so what is sent is what the route's schema says.
import { Type } from 'typebox';
import { createJsonFragments, joinJson, type JsonPiece } from '#kit/json';
import type { Article } from '#gen/surge/article/v1/article';
import type { TargetState } from '#gen/surge/interaction/v1/interaction';
import type { User } from '#gen/surge/user/v1/user';
import { Article as ArticleSchema, ArticleSummary, Author } from './schemas.js';
import { firstChars, SUMMARY_CHARS } from './views.js';

/** Who wrote it and what readers did with it: written per request, after the article's own fields. */
const PER_REQUEST = ['author', 'like_count', 'comment_count', 'liked'] as const;

const coverUrl = (a: Article) => (a.coverUrl === '' ? null : a.coverUrl);

const detailFields = createJsonFragments(Type.Omit(ArticleSchema, PER_REQUEST), (a: Article) => ({
  id: a.id,
  title: a.title,
  content: a.content,
  cover_url: coverUrl(a),
  tags: a.tags,
  view_count: a.viewCount,
  status: a.status === 'draft' ? ('draft' as const) : ('published' as const),
  created_at: a.createdAt,
  updated_at: a.updatedAt,
}));

const summaryFields = createJsonFragments(Type.Omit(ArticleSummary, PER_REQUEST), (a: Article) => ({
  id: a.id,
  title: a.title,
  summary: firstChars(a.content, SUMMARY_CHARS),
  cover_url: coverUrl(a),
  tags: a.tags,
  view_count: a.viewCount,
  created_at: a.createdAt,
}));

const personJson = createJsonFragments(Author, (u: User) => ({ id: u.id, name: u.name, avatar: u.avatar }));

export type People = ReadonlyMap<number, User>;
export type States = ReadonlyMap<number, TargetState>;

const NO_STATE: TargetState = { likeCount: 0, commentCount: 0, liked: false };

/** `fields` (an object's JSON) reopened, then the author: what precedes the counts. */
function pushHead(out: JsonPiece[], fields: Buffer, a: Article, people: People): void {
  const author = people.get(a.authorId);
  out.push(fields.subarray(0, fields.length - 1), ',"author":', author === undefined ? JSON.stringify({ id: a.authorId, name: '', avatar: '' }) : personJson.of(author));
}

/** The counts and the flag, closing the article's object (ASCII: numbers and booleans). */
const countsJson = (state: TargetState) => `,"like_count":${state.likeCount},"comment_count":${state.commentCount},"liked":${state.liked}}`;

function pushArticle(out: JsonPiece[], fields: Buffer, a: Article, people: People, state: TargetState = NO_STATE): void {
  pushHead(out, fields, a, people);
  out.push(countsJson(state));
}

/** `{"article": …}` up to its counts: the same for every reader, so kept with a page (pages.ts). */
export function articleReplyHead(a: Article, people: People): Buffer {
  const out: JsonPiece[] = ['{"article":'];
  pushHead(out, detailFields.of(a), a, people);
  return joinJson(out);
}

/** The reply from its head (articleReplyHead), with the counts and the caller's like flag. */
export function articleReplyFrom(head: Buffer, state: TargetState = NO_STATE): Buffer {
  const tail = `${countsJson(state)}}`;
  const out = Buffer.allocUnsafe(head.length + tail.length);
  head.copy(out, 0);
  out.write(tail, head.length, 'latin1');
  return out;
}

/** `{"article": …}`: one article with its body. */
export function articleReplyJson(a: Article, people: People, state: TargetState | undefined): Buffer {
  return articleReplyFrom(articleReplyHead(a, people), state);
}

/** `{"articles": […], next_cursor, is_end}`: a page of summaries, in order. */
export function articlePageJson(list: readonly Article[], people: People, states: States, page: { nextCursor: string; isEnd: boolean }): Buffer {
  const out: JsonPiece[] = ['{"articles":['];
  for (let i = 0; i < list.length; i++) {
    if (i > 0) out.push(',');
    const a = list[i]!;
    pushArticle(out, summaryFields.of(a), a, people, states.get(a.id));
  }
  out.push(`],"next_cursor":${JSON.stringify(page.nextCursor)},"is_end":${page.isEnd}}`);
  return joinJson(out);
}
