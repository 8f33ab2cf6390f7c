// Public door of clock: time comes in through a Clock so algorithms can be tested with a manual
// clock instead of sleeping real time, and a periodic job runs on that clock.
export { systemClock, ManualClock, type Clock, type Timer } from './clock.js';
export { startEvery, type EveryOptions, type EveryJob } from './every.js';
