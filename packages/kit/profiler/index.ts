// Troubleshooting a live process: a CPU profile over a set time, then a heap snapshot, written
// to a folder; one capture at a time.
export { createProfiler, type Profiler, type ProfilerOptions, type ProfileFiles } from './profiler.js';
