// Shapes of likes and comments on anything (/api/v1/community/likes, /comments): a target is a
// business ("video", "article", "question") and an id in it. Text rules are the interaction
// service's, which names the field; here only shapes.
import { Type } from 'typebox';
import { Cursor, Id, IdParam, LimitParam, WellFormedText } from '../schemas/common.js';

const Biz = Type.Union([Type.Literal('video'), Type.Literal('article'), Type.Literal('question')], { description: 'must be video, article or question' });

export const TargetParams = Type.Object({ biz: Biz, target_id: IdParam }, { additionalProperties: false });

export const LikeReply = Type.Object({
  liked: Type.Boolean(),
  like_count: Type.Integer({ description: "the target's likes with this change; others' likes still being counted may be missing for a moment" }),
});

export const NewComment = Type.Object(
  {
    biz: Biz,
    target_id: Id,
    content: WellFormedText('1–1000 characters'),
    reply_to: Type.Optional(Id),
  },
  { additionalProperties: false },
);

const Person = Type.Object({ id: Id, name: Type.String(), avatar: Type.String() });

export const Comment = Type.Object({
  id: Id,
  biz: Type.String(),
  target_id: Id,
  user: Person,
  content: Type.String(),
  root_id: Type.Union([Id, Type.Null()], { description: 'the top-level comment a reply is under; null on a top-level comment' }),
  reply_to_user: Type.Union([Person, Type.Null()], { description: 'whom a reply answers; null on a top-level comment' }),
  reply_count: Type.Integer({ description: 'replies under a top-level comment' }),
  created_at: Type.Integer(),
});
export const CommentReply = Type.Object({ comment: Comment });
export const CommentPage = Type.Object({ comments: Type.Array(Comment), next_cursor: Type.String(), is_end: Type.Boolean() });

export const CommentsQuery = Type.Object(
  {
    biz: Biz,
    target_id: IdParam,
    root_id: Type.Optional(IdParam),
    cursor: Type.Optional(Cursor),
    limit: Type.Optional(LimitParam),
  },
  { additionalProperties: false },
);
