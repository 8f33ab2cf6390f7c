// The event the video service publishes, typed by proto/surge/video/v1/events.proto: the user
// service counts an author's works from it. Consumers import this file, so it imports only the
// message type and the kit.
import { defineTopic, requireId } from '#kit/events';
import { VideoPublished } from '#gen/surge/video/v1/events';

export type VideoPublishedEvent = VideoPublished;

export const VIDEO_PUBLISHED = defineTopic('video.published', VideoPublished, (event) => {
  requireId(event.videoId, 'videoId');
  requireId(event.authorId, 'authorId');
});
