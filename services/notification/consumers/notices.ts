// What each event tells whom: the notice (recipient, type, target, actor) it adds, or undefined
// when it tells nobody — an unlike or a removed comment (they take nothing back), and a user's
// own action (liking one's own article, answering one's own question).
import type { TargetCommentedEvent, TargetLikedEvent } from '../../interaction/events.js';
import type { AcceptedEvent, AnsweredEvent } from '../../qa/events.js';
import type { RelationFollowed } from '../../relation/events.js';
import { USER_BIZ, type Notice } from '../model/kinds.js';

/** The qa service's businesses, as notifications name their targets. */
export const QUESTION_BIZ = 'question';
export const ANSWER_BIZ = 'answer';

const toOthers = (n: Notice): Notice | undefined => (n.actorId === n.recipientId ? undefined : n);

export const noticeOf = {
  liked: (e: TargetLikedEvent): Notice | undefined =>
    e.delta !== 1 ? undefined : toOthers({ recipientId: e.ownerId, type: 'like', biz: e.biz, targetId: e.targetId, actorId: e.userId }),

  /** A reply tells the user replied to; a top-level comment tells the target's owner. */
  commented: (e: TargetCommentedEvent): Notice | undefined => {
    if (e.delta !== 1) return undefined;
    const about = { biz: e.biz, targetId: e.targetId, actorId: e.userId };
    return toOthers(e.replyToUserId !== 0 ? { ...about, recipientId: e.replyToUserId, type: 'reply' } : { ...about, recipientId: e.ownerId, type: 'comment' });
  },

  /** Follows aggregate per recipient: the target is the one followed. */
  followed: (e: RelationFollowed): Notice | undefined =>
    e.delta !== 1 ? undefined : toOthers({ recipientId: e.followeeId, type: 'follow', biz: USER_BIZ, targetId: e.followeeId, actorId: e.followerId }),

  answered: (e: AnsweredEvent): Notice | undefined => toOthers({ recipientId: e.askerId, type: 'answer', biz: QUESTION_BIZ, targetId: e.questionId, actorId: e.answererId }),

  accepted: (e: AcceptedEvent): Notice | undefined => toOthers({ recipientId: e.answererId, type: 'accepted', biz: ANSWER_BIZ, targetId: e.answerId, actorId: e.askerId }),
};
