// A module-loading hook for tests (node --import with register()): appends the URL of every
// file the process loads to the file named by SURGE_LOAD_LOG.
import { appendFileSync } from 'node:fs';

export async function load(url, context, nextLoad) {
  if (url.startsWith('file:') && process.env.SURGE_LOAD_LOG) appendFileSync(process.env.SURGE_LOAD_LOG, `${url}\n`);
  return nextLoad(url, context);
}
