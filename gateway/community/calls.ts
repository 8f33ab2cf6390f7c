// The services the community face calls, by their generated contracts (never their code).
import { ArticleServiceDefinition } from '#gen/surge/article/v1/article';
import { FeedServiceDefinition } from '#gen/surge/feed/v1/feed';
import { InteractionServiceDefinition } from '#gen/surge/interaction/v1/interaction';
import { MemberServiceDefinition } from '#gen/surge/member/v1/member';
import { NotificationServiceDefinition } from '#gen/surge/notification/v1/notification';
import { QaServiceDefinition } from '#gen/surge/qa/v1/qa';
import { RelationServiceDefinition } from '#gen/surge/relation/v1/relation';
import { UserServiceDefinition } from '#gen/surge/user/v1/user';

export const communityCalls = {
  articles: ArticleServiceDefinition,
  users: UserServiceDefinition,
  relations: RelationServiceDefinition,
  questions: QaServiceDefinition,
  interactions: InteractionServiceDefinition,
  notifications: NotificationServiceDefinition,
  members: MemberServiceDefinition,
  feed: FeedServiceDefinition,
} as const;
