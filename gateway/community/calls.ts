// The services the community face calls, by their generated contracts (never their code).
import { ArticleServiceDefinition } from '#gen/surge/article/v1/article';
import { UserServiceDefinition } from '#gen/surge/user/v1/user';

export const communityCalls = { articles: ArticleServiceDefinition, users: UserServiceDefinition } as const;
