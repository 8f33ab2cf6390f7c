// A one-off job at start: accounts whose mobile was stored before numbers were read as E.164 are
// indexed again under the E.164 form, so 13900139000 typed today finds the account made with
// 13900139000, +8613900139000 or 008613900139000 yesterday. Migration 0003 lists them in
// mobile_reindex (it has no field key to do it itself); each is done once and struck off, so
// later starts find the list empty. Also renames accounts still called by their masked number
// (138****8002, the old default), which showed seven digits of it, to a generated name.
//
// When two accounts turn out to hold one number (made under two spellings), the one already
// under the E.164 form, or else the first done, keeps it; the others keep their old index, which
// no sign-in reaches any more, and are logged with their ids for an operator to merge.
import type { Cache } from '#kit/cache';
import { isUniqueViolation, type ServiceDatabase } from '#kit/store';
import { generatedName } from './names.js';
import type { UserDB } from './model/tables.js';
import { createUserModel } from './model/users.js';

export interface MobileReindexOptions {
  db: ServiceDatabase<UserDB>;
  cipher: { encrypt(plain: string): string; decrypt(stored: string): string; blindIndex(plain: string): string };
  accountKeys: { mobile(raw: string): string | undefined };
  /** The service's cache: renamed accounts' cached profiles are dropped. */
  cache: Cache;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

export interface MobileReindexReport {
  reindexed: number;
  renamed: number;
  /** Accounts whose number another account already holds (left as they were, logged). */
  conflicts: number;
  /** Numbers that are no valid phone number by today's rules, or that the field key cannot read (left as they were). */
  unreadable: number;
}

const BATCH = 200;

/** The name mobile sign-in gave accounts before: the number's first three and last four digits. */
export function legacyMaskedName(mobile: string): string {
  const digits = mobile.replace(/^\+/, '');
  if (digits.length <= 7) return digits.slice(0, 2) + '****';
  return digits.slice(0, 3) + '****' + digits.slice(-4);
}

export async function reindexMobiles(o: MobileReindexOptions): Promise<MobileReindexReport> {
  const db = o.db.db;
  const users = createUserModel(o.db, o.cache);
  const report: MobileReindexReport = { reindexed: 0, renamed: 0, conflicts: 0, unreadable: 0 };
  for (let after = 0; ; ) {
    const ids = (await db.selectFrom('mobile_reindex').select('id').where('id', '>', after).orderBy('id').limit(BATCH).execute()).map((r) => Number(r.id));
    if (ids.length === 0) break;
    after = ids.at(-1)!;
    const rows = await db.selectFrom('users').select(['id', 'mobile_enc', 'mobile_idx', 'name']).where('id', 'in', ids).execute();
    const renamed: number[] = [];
    for (const row of rows) {
      const id = Number(row.id);
      let raw: string;
      try {
        raw = o.cipher.decrypt(row.mobile_enc!);
      } catch (err) {
        // Encrypted under another key: nothing can be done without it; keep it listed for a start that has it.
        report.unreadable++;
        o.log.warn({ err, userId: id }, 'mobile re-index: cannot decrypt this account\'s mobile (another field key?); left as it was');
        continue;
      }
      const e164 = o.accountKeys.mobile(raw);
      const name = row.name === legacyMaskedName(raw) ? { name: generatedName() } : {};
      const index = e164 !== undefined && e164 !== raw ? { mobile_enc: o.cipher.encrypt(e164), mobile_idx: o.cipher.blindIndex(e164) } : {};
      if (e164 === undefined) report.unreadable++;
      const update = (patch: object) => db.updateTable('users').set(patch).where('id', '=', id).execute();
      try {
        if (Object.keys(name).length + Object.keys(index).length > 0) await update({ ...name, ...index });
        if (Object.keys(index).length > 0) report.reindexed++;
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        report.conflicts++;
        o.log.warn({ userId: id }, 'mobile re-index: another account already holds this number; this one keeps its old index (merge them by hand)');
        if (Object.keys(name).length > 0) await update(name);
      }
      if (Object.keys(name).length > 0) {
        renamed.push(id);
        report.renamed++;
      }
      await db.deleteFrom('mobile_reindex').where('id', '=', id).execute();
    }
    // Listed rows whose user is gone.
    const gone = ids.filter((id) => !rows.some((r) => Number(r.id) === id));
    if (gone.length > 0) await db.deleteFrom('mobile_reindex').where('id', 'in', gone).execute();
    if (renamed.length > 0) await users.invalidate(renamed);
  }
  if (report.reindexed + report.renamed + report.conflicts + report.unreadable > 0) o.log.info({ ...report }, 'mobile re-index done');
  return report;
}
