// Security probes of the /douyin/ face (docs/security.md, "Probes"): each block holds the cases of
// one finding of the hardening review, and fails if the hole it names opens again. New routes on
// this face add their probes here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../harness.js';

let sys: TestSystem;
beforeAll(async () => {
  sys = await startTestSystem('embedded', { 'limits.loginPerIp.quota': 1000 });
});
afterAll(async () => sys?.stop());

describe('the /douyin/ face', () => {
  it('is up', async () => {
    const res = await sys.app.inject({ method: 'GET', url: '/livez' });
    expect(res.statusCode).toBe(200);
  });

  // ── secrets and ops (items 1, 13) ──
  // ── end secrets and ops ──

  // ── request edge (items 2, 7, 8, 12, 16) ──
  // ── end request edge ──

  // ── uploads (items 3, 4) ──
  // ── end uploads ──

  // ── accounts and text (items 5, 6, 9, 10, 14, 15) ──
  // ── end accounts and text ──
});
