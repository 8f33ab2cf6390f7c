import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, isEmbedded, loadConfig, SECRETS_FILE, withLocalSecrets } from './index.js';

const freshDir = () => join(mkdtempSync(join(tmpdir(), 'surge-secrets-')), 'data');
const embedded = (dataDir: string) => loadConfig({ env: { SURGE_DATA: dataDir } });

describe('local secrets (embedded mode)', () => {
  it('no secret is written in the code: unconfigured, the configuration holds none', () => {
    const c = loadConfig({ env: {} });
    expect(isEmbedded(c)).toBe(true);
    expect(c.auth.jwtSecret).toBe('');
    expect(c.auth.fieldKey).toBe('');
  });

  it('makes random secrets on first start: long enough, well formed, and different for every data dir', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const { config, made } = withLocalSecrets(embedded(freshDir()));
      expect(made?.created).toBe(true);
      expect(config.auth.jwtSecret.length).toBeGreaterThanOrEqual(64);
      expect(Buffer.from(config.auth.fieldKey, 'base64')).toHaveLength(32);
      seen.add(config.auth.jwtSecret).add(config.auth.fieldKey);
    }
    // 5 data dirs, 2 secrets each: 10 distinct values, none shared with another install.
    expect(seen.size).toBe(10);
  });

  it('reads the same secrets back from the same data dir on every later start', () => {
    const dir = freshDir();
    const first = withLocalSecrets(embedded(dir));
    const again = withLocalSecrets(embedded(dir));
    expect(again.made?.created).toBe(false);
    expect(again.config.auth).toEqual(first.config.auth);
  });

  it('keeps the file owner-only (0600) in a folder it made owner-only (0700)', () => {
    const dir = freshDir();
    const { made } = withLocalSecrets(embedded(dir));
    expect(made?.file).toBe(join(dir, SECRETS_FILE));
    expect(statSync(join(dir, SECRETS_FILE)).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('leaves configured secrets alone and touches no file', () => {
    const dir = freshDir();
    const jwt = 'j'.repeat(8) + 'k'.repeat(40);
    const key = Buffer.alloc(32, 9).toString('base64');
    const { config, made } = withLocalSecrets(loadConfig({ env: { SURGE_DATA: dir, SURGE_JWT_SECRET: jwt, SURGE_FIELD_KEY: key } }));
    expect(made).toBeUndefined();
    expect(config.auth).toMatchObject({ jwtSecret: jwt, fieldKey: key });
    expect(existsSync(join(dir, SECRETS_FILE))).toBe(false);
  });

  it('fills only the secret the configuration leaves unset', () => {
    const dir = freshDir();
    const key = Buffer.alloc(32, 9).toString('base64');
    const { config } = withLocalSecrets(loadConfig({ env: { SURGE_DATA: dir, SURGE_FIELD_KEY: key } }));
    expect(config.auth.fieldKey).toBe(key);
    expect(config.auth.jwtSecret).toBe(JSON.parse(readFileSync(join(dir, SECRETS_FILE), 'utf8')).jwtSecret);
  });

  it('refuses a secrets file other users can read, and one that is not its own', () => {
    const dir = freshDir();
    withLocalSecrets(embedded(dir));
    const file = join(dir, SECRETS_FILE);
    chmodSync(file, 0o644);
    expect(() => withLocalSecrets(embedded(dir))).toThrow(/readable by other users \(mode 0644\); make it owner-only: chmod 600/);
    chmodSync(file, 0o600);
    writeFileSync(file, '{"jwtSecret": "short", "fieldKey": "x"}');
    expect(() => withLocalSecrets(embedded(dir))).toThrow(ConfigError);
    expect(() => withLocalSecrets(embedded(dir))).toThrow(/secrets\.json: .*auth\.jwtSecret: must be at least 32 characters/s);
  });

  it('adopts the secrets an older `surge up` left in local-secrets.json, keeping one copy', () => {
    const dir = freshDir();
    mkdirSync(dir);
    const old = { SURGE_JWT_SECRET: 'o'.repeat(20) + 'p'.repeat(30), SURGE_FIELD_KEY: Buffer.alloc(32, 3).toString('base64') };
    writeFileSync(join(dir, 'local-secrets.json'), JSON.stringify(old), { mode: 0o600 });
    const { config, made } = withLocalSecrets(embedded(dir));
    expect(made?.created).toBe(true);
    expect(config.auth).toMatchObject({ jwtSecret: old.SURGE_JWT_SECRET, fieldKey: old.SURGE_FIELD_KEY });
    expect(existsSync(join(dir, 'local-secrets.json'))).toBe(false);
    expect(statSync(join(dir, SECRETS_FILE)).mode & 0o777).toBe(0o600);
  });
});
