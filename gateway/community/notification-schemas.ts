// The shapes of the community's notification routes (routes/notifications.ts): the signed-in
// user's message center, paged, and read marks. The notification service checks the same rules and
// names the field; here only shapes.
import { Type } from 'typebox';
import { Cursor, Id, LimitParam } from '../schemas/common.js';

/** Marks per request: the notification service's MarkRead bound. */
export const MAX_READ_IDS = 100;

export const NotificationListQuery = Type.Object(
  {
    cursor: Type.Optional(Cursor),
    limit: Type.Optional(LimitParam),
  },
  { additionalProperties: false },
);

const Actor = Type.Object({ id: Id, name: Type.String(), avatar: Type.String() });

const Target = Type.Union(
  [
    Type.Object({
      biz: Type.String({ description: 'article, question, answer, user (a follow: the target is you), …' }),
      id: Id,
    }),
    Type.Null(),
  ],
  { description: 'what the notification is about; null for a system notification' },
);

const NotificationItem = Type.Object({
  id: Id,
  type: Type.String({ description: 'like, comment, reply, follow, answer, accepted or system' }),
  actors: Type.Array(Actor, { description: 'the latest three actors, newest first ([] for system)' }),
  actor_count: Type.Integer({ description: 'distinct actors in all: "Li Lei and 3 others" is actors[0] and actor_count - 1' }),
  target: Target,
  read: Type.Boolean({ description: 'false again whenever a new actor joins' }),
  created_at: Type.Integer(),
  updated_at: Type.Integer({ description: 'when the latest actor joined: the list is newest updated first' }),
  title: Type.Optional(Type.String({ description: 'system only' })),
  body: Type.Optional(Type.String({ description: 'system only' })),
});

export const NotificationPage = Type.Object({
  notifications: Type.Array(NotificationItem),
  next_cursor: Type.String(),
  is_end: Type.Boolean(),
  unread_count: Type.Integer(),
});

/** Exactly one of the two: ids of the caller's notifications, or all of them. */
export const MarkReadBody = Type.Object(
  {
    ids: Type.Optional(Type.Array(Id, { minItems: 1, maxItems: MAX_READ_IDS, description: `1–${MAX_READ_IDS} ids of your notifications (others' are ignored)` })),
    all: Type.Optional(Type.Literal(true, { description: 'true: every notification of yours' })),
  },
  { additionalProperties: false, minProperties: 1, description: '{"ids": [...]} or {"all": true}' },
);

export const UnreadReply = Type.Object({ unread_count: Type.Integer() });
