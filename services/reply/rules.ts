// Input rules of the reply service. The gateway checks shapes first, but the service is also
// reachable over RPC, so it checks its own rules and names the field that broke one, before any
// work is done (no order lookup, no row written).
import { errors } from '#kit/errors';
import { checkId, checkIds, checkLimit, checkText } from '#kit/rules';

export { checkId };

export const RATING = { min: 1, max: 5 } as const;
/** A review's text, in characters (code points) after trimming. */
export const MAX_CONTENT = 500;
export const MAX_IMAGES = 6;
export const MAX_IMAGE_URL = 512;
/** GetSummaries: products per call. */
export const MAX_SUMMARY_IDS = 100;
/** ListReviews' page sizes. */
export const PAGE = { byDefault: 20, max: 50 } as const;

// An absolute http(s) URL with a host, or a path on this site ("/…", but not "//host", which a
// browser reads as another site); no whitespace anywhere. The same rule as product images.
const IMAGE_URL = /^(https?:\/\/[^\s/]+|\/(?!\/))[^\s]*$/;

export function checkRating(rating: number): number {
  if (!Number.isSafeInteger(rating) || rating < RATING.min || rating > RATING.max) throw errors.invalid('rating', `must be an integer from ${RATING.min} to ${RATING.max}`);
  return rating;
}

/** A review's text: 1–500 characters, lines allowed (#kit/rules checkText), as it is stored before masking. */
export const checkContent = (content: string) => checkText('content', content, { max: MAX_CONTENT, multiline: true });

export function checkImageUrls(urls: readonly string[]): string[] {
  if (urls.length > MAX_IMAGES) throw errors.invalid('image_urls', `at most ${MAX_IMAGES} images (got ${urls.length})`);
  urls.forEach((url, i) => {
    if (url.length === 0 || url.length > MAX_IMAGE_URL || !IMAGE_URL.test(url)) {
      throw errors.invalid('image_urls', `image ${i + 1}: each must be an http(s) URL or a path from /, at most ${MAX_IMAGE_URL} characters`);
    }
  });
  return [...urls];
}

/** GetSummaries' products: 0–100 positive ids, repeats folded (the first of each kept in order). */
export const checkSummaryIds = (ids: readonly number[]) => checkIds('product_ids', ids, { max: MAX_SUMMARY_IDS, unique: true });

/** A page size: 0 = 20, above 50 counts as 50, negative or fractional refused (#kit/rules). */
export const checkPageSize = (limit: number) => checkLimit(limit, PAGE);
