// The video service, as the interaction service's use cases ask it: does a video exist, and who
// wrote it. The answer comes from the video service's contract, never from its database.
import { Code, SurgeError } from '#kit/errors';
import type { CallContext, Client } from '#kit/rpc';
import type { VideoServiceDefinition } from '#gen/surge/video/v1/video';

export interface VideoDirectory {
  /** The video's author, or NotFound naming video_id. Deadline and trace come from `parent`. */
  authorOf(videoId: number, parent: CallContext): Promise<number>;
}

export function videoDirectory(videos: Pick<Client<typeof VideoServiceDefinition>, 'getVideos'>): VideoDirectory {
  return {
    async authorOf(videoId, parent) {
      const { videos: found } = await videos.getVideos({ ids: [videoId] }, { parent });
      const video = found[0];
      if (!video) throw new SurgeError(Code.NotFound, 'video_id: no video with this id', { details: { field: 'video_id' } });
      return video.authorId;
    },
  };
}
