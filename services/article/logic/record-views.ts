import { errors } from '#kit/errors';
import type { RecordViewsReply, RecordViewsRequest } from '#gen/surge/article/v1/article';
import type { ArticleDeps } from '../deps.js';
import { checkId } from '../rules.js';

/** Entries per RecordViews call. */
export const MAX_VIEW_ENTRIES = 1000;
/** Views one entry may add: a gateway's second of one article's reads, with room to spare. */
export const MAX_VIEWS_PER_ENTRY = 1_000_000;

/** Views counted by a caller, added in the view counter's batches (ids once each). */
export async function recordViews(d: ArticleDeps, req: RecordViewsRequest): Promise<RecordViewsReply> {
  if (req.views.length > MAX_VIEW_ENTRIES) throw errors.invalid('views', `at most ${MAX_VIEW_ENTRIES} entries per call (got ${req.views.length})`);
  const seen = new Set<number>();
  const counts = req.views.map((v, i) => {
    const id = checkId(`views[${i}].id`, v.id);
    if (seen.has(id)) throw errors.invalid(`views[${i}].id`, 'must name each article once');
    seen.add(id);
    if (!Number.isSafeInteger(v.count) || v.count < 1 || v.count > MAX_VIEWS_PER_ENTRY) throw errors.invalid(`views[${i}].count`, `must be 1–${MAX_VIEWS_PER_ENTRY}`);
    return { id, views: v.count };
  });
  d.views.recordCounts(counts);
  return {};
}
