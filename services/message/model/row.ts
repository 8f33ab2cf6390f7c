import type { ChatMessage } from '#gen/surge/message/v1/message';

type MessageRow = { id: number; from_user_id: number; to_user_id: number; content: string; created_at: number };

/** Both tables' rows → the contract's message. Number(): MariaDB may hand back BIGINT as a string. */
export const toChatMessage = (r: MessageRow): ChatMessage => ({
  id: Number(r.id),
  fromUserId: Number(r.from_user_id),
  toUserId: Number(r.to_user_id),
  content: r.content,
  createdAt: Number(r.created_at),
});

export const MESSAGE_COLUMNS = ['id', 'from_user_id', 'to_user_id', 'content', 'created_at'] as const;
