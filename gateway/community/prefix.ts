/** Where the community's routes live. */
export const COMMUNITY_PREFIX = '/api/v1/community';
