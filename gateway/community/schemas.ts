// The community API's shapes (/api/v1/community): snake_case JSON, times in ms since the epoch,
// every list a page `{<items>, next_cursor, is_end}`. Text rules (lengths, characters) are the
// article service's, which names the field; here only shapes.
import { Type } from 'typebox';
import { Cursor, Id, IdParam, LimitParam, WellFormedText } from '../schemas/common.js';
import { IMAGE_FILE } from './images.js';

export const IdParams = Type.Object({ id: IdParam }, { additionalProperties: false });

const Tags = Type.Array(WellFormedText('1–20 characters'), { maxItems: 5, description: 'must be at most 5 tags' });
const CoverUrl = Type.Union([Type.String({ maxLength: 512 }), Type.Null()], { description: 'must be a URL POST /uploads returned, or null' });

export const NewArticle = Type.Object(
  {
    title: WellFormedText('1–100 characters'),
    content: WellFormedText('1–20,000 characters of Markdown'),
    cover_url: Type.Optional(CoverUrl),
    tags: Type.Optional(Tags),
    draft: Type.Optional(Type.Boolean({ description: 'true: kept as my draft, seen by nobody else until published' })),
  },
  { additionalProperties: false },
);

export const ArticlePatch = Type.Object(
  {
    title: Type.Optional(WellFormedText('1–100 characters')),
    content: Type.Optional(WellFormedText('1–20,000 characters of Markdown')),
    cover_url: Type.Optional(CoverUrl),
    tags: Type.Optional(Tags),
    publish: Type.Optional(Type.Literal(true, { description: 'must be true: publishes my draft now' })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const Author = Type.Object({ id: Id, name: Type.String(), avatar: Type.String() });
const Counts = {
  like_count: Type.Integer(),
  comment_count: Type.Integer(),
  view_count: Type.Integer(),
  liked: Type.Boolean({ description: 'whether the caller likes it (false when signed out)' }),
};

export const Article = Type.Object({
  id: Id,
  title: Type.String(),
  content: Type.String({ description: 'Markdown' }),
  cover_url: Type.Union([Type.String(), Type.Null()], { description: 'null without a cover' }),
  tags: Type.Array(Type.String()),
  author: Author,
  ...Counts,
  status: Type.Union([Type.Literal('published'), Type.Literal('draft')], { description: 'draft: only its author sees it' }),
  created_at: Type.Integer({ description: 'when it was published (for a draft: when it was written)' }),
  updated_at: Type.Integer(),
});
export const ArticleReply = Type.Object({ article: Article });

/** A list's article: the detail without the body, with its first characters instead. */
export const ArticleSummary = Type.Object({
  id: Id,
  title: Type.String(),
  summary: Type.String({ description: 'the first 140 characters of the Markdown body' }),
  cover_url: Type.Union([Type.String(), Type.Null()]),
  tags: Type.Array(Type.String()),
  author: Author,
  ...Counts,
  created_at: Type.Integer(),
});
export const ArticlePage = Type.Object({ articles: Type.Array(ArticleSummary), next_cursor: Type.String(), is_end: Type.Boolean() });

export const AuthorArticlesQuery = Type.Object(
  {
    sort: Type.Optional(Type.Union([Type.Literal('newest'), Type.Literal('likes')], { description: 'must be newest or likes' })),
    cursor: Type.Optional(Cursor),
    limit: Type.Optional(LimitParam),
  },
  { additionalProperties: false },
);

export const PageQuery = Type.Object({ cursor: Type.Optional(Cursor), limit: Type.Optional(LimitParam) }, { additionalProperties: false });

export const HotQuery = Type.Object({ cursor: Type.Optional(Cursor), limit: Type.Optional(LimitParam) }, { additionalProperties: false });

export const SearchQuery = Type.Object(
  {
    q: WellFormedText('1–50 characters'),
    type: Type.Optional(Type.Union([Type.Literal('articles'), Type.Literal('questions')], { description: 'must be articles (the default) or questions' })),
    cursor: Type.Optional(Cursor),
    limit: Type.Optional(LimitParam),
  },
  { additionalProperties: false },
);

export const UploadReply = Type.Object({ url: Type.String({ description: "the image's URL, for an article's cover_url or its Markdown" }) });

export const ImageParams = Type.Object({ file: Type.String({ pattern: IMAGE_FILE, description: 'must be an image file name an upload returned' }) }, { additionalProperties: false });
