// What every benchmark runner shares: one way out on success, failure and Ctrl-C (cleanup
// first, then exit with the code), a median, and readable numbers.

/**
 * Runs main() and exits with its code. cleanup() runs exactly once on every way out, including
 * SIGINT/SIGTERM. Exit code 2 means "ran, but missed a target"; its message is not a failure.
 */
export function runBenchmark(main, cleanup) {
  let exiting = false;
  const shutdown = async (code, message) => {
    if (exiting) return;
    exiting = true;
    if (message) console.error(`bench: ${code === 2 ? '' : 'FAILED: '}${message}`);
    await cleanup();
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(130, 'interrupted'));
  process.on('SIGTERM', () => void shutdown(143, 'terminated'));
  // A promise nobody awaited that fails must still stop every process the run started.
  process.on('unhandledRejection', (err) => void shutdown(1, err instanceof Error ? err.message : String(err)));
  main().then(
    (code) => shutdown(code),
    (err) => shutdown(1, err instanceof Error ? err.message : String(err)),
  );
  return shutdown;
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function fmt(n) {
  return Math.round(n).toLocaleString('en-US');
}
