// The chat API's HTTP shapes (/api/v1/chat): snake_case JSON, times in ms since the epoch, every
// list a page `{<items>, next_cursor, is_end}`.
import { Type } from 'typebox';
import { Cursor, Id, IdParam, LimitParam, WellFormedText } from '../schemas/common.js';

export const Room = Type.Object({
  id: Id,
  name: Type.String(),
  owner_id: Id,
  private: Type.Boolean(),
  epoch: Type.String({ description: "fixed when the room is made: a client's seqs belong to this epoch's history" }),
  last_seq: Type.Integer({ description: "the seq of the room's newest message, 0 before the first" }),
  created_at: Type.Integer(),
});

export const RoomPage = Type.Object({ rooms: Type.Array(Room), next_cursor: Type.String(), is_end: Type.Boolean() });
export const RoomReply = Type.Object({ room: Room });

export const CreateRoomBody = Type.Object(
  { name: WellFormedText('1–40 characters on one line'), private: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

export const MemberBody = Type.Object({ user_id: Id }, { additionalProperties: false });
export const AddedReply = Type.Object({ added: Type.Boolean({ description: 'false: the user was a member already' }) });

export const RoomParams = Type.Object({ id: IdParam }, { additionalProperties: false });
export const RoomMemberParams = Type.Object({ id: IdParam, user_id: IdParam }, { additionalProperties: false });
export const RemovedReply = Type.Object({ removed: Type.Boolean({ description: 'false: the user was not a member' }) });
export const RoomsQuery = Type.Object({ cursor: Type.Optional(Cursor), limit: Type.Optional(LimitParam) }, { additionalProperties: false });

/** A seq in a query string: digits only, up to 16. */
const SeqParam = Type.Unsafe<number>({ allOf: [{ type: 'string', pattern: '^(0|[1-9][0-9]{0,15})$', description: 'must be a whole number ≥ 0' }, Type.Integer({ minimum: 0 })] });
export const MessagesQuery = Type.Object({ before_seq: Type.Optional(SeqParam), limit: Type.Optional(LimitParam) }, { additionalProperties: false });

const Author = Type.Object({ id: Id, name: Type.String(), avatar: Type.String() });
export const Message = Type.Object({
  room: Id,
  seq: Type.Integer(),
  id: Id,
  from: Author,
  content: Type.String(),
  created_at: Type.Integer(),
  client_msg_id: Type.String(),
});
export const MessagePage = Type.Object({
  messages: Type.Array(Message, { description: 'newest first' }),
  is_end: Type.Boolean({ description: 'no older message is left' }),
  epoch: Type.String(),
  last_seq: Type.Integer(),
});
