// The article service's refusals that are not bad input: each a SurgeError with the code callers
// branch on.
import { Code, SurgeError, errors } from '#kit/errors';

export const refusals = {
  /** Any article id the caller asked for that does not exist (or was deleted). */
  notFound: (id: number) => errors.notFound(`article ${id}`),
  /** Only an article's author edits or deletes it; the field named is the caller's id. */
  notAuthor: (action: 'edit' | 'delete') => new SurgeError(Code.PermissionDenied, `only the author of an article can ${action} it`, { details: { field: 'author_id' } }),
};
