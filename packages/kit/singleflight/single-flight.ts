// Singleflight (go-zero core/syncx SingleFlight, Go's x/sync/singleflight): concurrent calls for one
// key share one run of fn and its outcome. Guards a cold or just-expired hot key against a
// stampede of identical loads (cache breakdown).

export class SingleFlight<V> {
  // Per instance, never module-level: two caches must not share flights.
  private readonly flights = new Map<string, Promise<V>>();

  /**
   * Runs fn for key unless a run is already in flight, in which case the caller joins it and gets
   * the same result or error. The key is free again as soon as the run settles, so a later call
   * runs fn afresh (this is not a cache).
   */
  do(key: string, fn: () => Promise<V>): Promise<V> {
    const running = this.flights.get(key);
    if (running) return running;
    // fn starts a microtask later, after the flight is registered, so even a synchronous throw
    // settles through finally() and frees the key.
    const flight: Promise<V> = Promise.resolve()
      .then(fn)
      .finally(() => {
        // A run forgotten meanwhile must not free the key from the run that replaced it.
        if (this.flights.get(key) === flight) this.flights.delete(key);
      });
    this.flights.set(key, flight);
    return flight;
  }

  /**
   * Callers from now on start a new run instead of joining the one in flight (whose callers still
   * get its result): for when what that run read has just been changed.
   */
  forget(key: string): void {
    this.flights.delete(key);
  }

  /** Number of keys with a run in flight (for metrics and tests). */
  get inFlight(): number {
    return this.flights.size;
  }
}
