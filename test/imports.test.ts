import { expect, it } from 'vitest';
import { Code } from '#kit/errors';
import { ManualClock } from '#kit/clock';

// The package.json "imports" map must resolve to sources under test and to dist/ at run time.
it('resolves #kit subpath imports to the TypeScript sources', () => {
  expect(Code.NotFound).toBe(40401);
  const c = new ManualClock();
  let fired = 0;
  c.after(10, () => fired++);
  c.advance(9);
  expect(fired).toBe(0);
  c.advance(1);
  expect(fired).toBe(1);
});
