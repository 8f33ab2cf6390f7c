import type { GetSummariesRequest, SummaryList } from '#gen/surge/reply/v1/reply';
import type { ReplyDeps } from '../deps.js';
import { checkSummaryIds } from '../rules.js';

/**
 * The review summaries of up to 100 products, one per distinct id in the order asked, read from
 * the summary table the inserts keep (one query, never a count over the reviews).
 */
export async function getSummaries(d: ReplyDeps, req: GetSummariesRequest): Promise<SummaryList> {
  const productIds = checkSummaryIds(req.productIds);
  return { summaries: await d.reviews.summaries(productIds) };
}
