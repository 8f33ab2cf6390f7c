// Verification codes: one live code per mobile, stored as a keyed hash, single use, with a
// bounded number of wrong guesses. Every state change is one conditional statement, so two
// concurrent sign-ins with the same code cannot both win.
import type { ServiceDatabase } from '#kit/store';
import type { UserDB } from './tables.js';

export interface CodeModel {
  /** Replaces any live code for this mobile. */
  save(mobileIdx: string, codeHash: string, expiresAt: number, now: number): Promise<void>;
  /** 'ok' consumes the code; 'wrong' counts an attempt; 'none' = no live code (absent, expired or burnt). */
  consume(mobileIdx: string, codeHash: string, now: number, maxAttempts: number): Promise<'ok' | 'wrong' | 'none'>;
}

export function createCodeModel(store: ServiceDatabase<UserDB>): CodeModel {
  const db = store.db;
  return {
    async save(mobileIdx, codeHash, expiresAt, now) {
      await store.transaction(async (trx) => {
        await trx.deleteFrom('verification_codes').where('mobile_idx', '=', mobileIdx).execute();
        await trx.insertInto('verification_codes').values({ mobile_idx: mobileIdx, code_hash: codeHash, expires_at: expiresAt, attempts: 0, created_at: now }).execute();
      });
    },

    async consume(mobileIdx, codeHash, now, maxAttempts) {
      const used = await db
        .deleteFrom('verification_codes')
        .where('mobile_idx', '=', mobileIdx)
        .where('code_hash', '=', codeHash)
        .where('expires_at', '>', now)
        .where('attempts', '<', maxAttempts)
        .executeTakeFirst();
      if (Number(used.numDeletedRows) === 1) return 'ok';
      const counted = await db
        .updateTable('verification_codes')
        .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
        .where('mobile_idx', '=', mobileIdx)
        .where('expires_at', '>', now)
        .where('attempts', '<', maxAttempts)
        .executeTakeFirst();
      return Number(counted.numUpdatedRows) === 1 ? 'wrong' : 'none';
    },
  };
}
