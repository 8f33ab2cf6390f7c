// The services that own what can be liked and commented on, as the interaction service's use
// cases ask them: does this target exist, and who owns it (whose received likes and
// notifications it is). Answers come from each owner's contract, never from its database; the
// caller's deadline and trace go along.
import { Code, SurgeError } from '#kit/errors';
import type { CallContext, Client } from '#kit/rpc';
import type { ArticleServiceDefinition } from '#gen/surge/article/v1/article';
import type { QaServiceDefinition } from '#gen/surge/qa/v1/qa';
import type { VideoServiceDefinition } from '#gen/surge/video/v1/video';
import type { Biz } from './rules.js';

export interface TargetDirectory {
  /** The target's owner, or NotFound naming `field` (default target_id). */
  ownerOf(biz: Biz, targetId: number, parent: CallContext, field?: string): Promise<number>;
}

export interface OwnerClients {
  videos: Pick<Client<typeof VideoServiceDefinition>, 'getVideos'>;
  articles: Pick<Client<typeof ArticleServiceDefinition>, 'getArticles'>;
  questions: Pick<Client<typeof QaServiceDefinition>, 'getQuestion'>;
}

/** undefined for the owning service's NotFound: the directory names the field itself. */
const orMissing = async <T>(call: Promise<T>): Promise<T | undefined> => {
  try {
    return await call;
  } catch (err) {
    if (err instanceof SurgeError && err.code === Code.NotFound) return undefined;
    throw err;
  }
};

type OwnerOf = (id: number, parent: CallContext) => Promise<number | undefined>;

export function targetDirectory(c: OwnerClients): TargetDirectory {
  // One entry per business (rules.ts BUSINESSES): the type makes a new business name its owner here.
  const owners: Record<Biz, OwnerOf> = {
    video: async (id, parent) => (await c.videos.getVideos({ ids: [id] }, { parent })).videos[0]?.authorId,
    article: async (id, parent) => (await c.articles.getArticles({ ids: [id] }, { parent })).articles[0]?.authorId,
    question: async (id, parent) => (await orMissing(c.questions.getQuestion({ id, viewerId: 0 }, { parent })))?.question?.askerId,
  };
  return {
    async ownerOf(biz, targetId, parent, field = 'target_id') {
      const owner = await owners[biz](targetId, parent);
      if (owner === undefined) throw new SurgeError(Code.NotFound, `${field}: no ${biz} with this id`, { details: { field } });
      return owner;
    },
  };
}
