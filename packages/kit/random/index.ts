// random: a seeded random source (mulberry32) for what must come out the same on every run and
// platform: the demo catalog, tests that draw at random.
export { seededRandom } from './seeded.js';
