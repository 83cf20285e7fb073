// The wall clock as compiled programs read it: once per run of synchronous work, not once per line.
// Imports nothing.

/**
 * Returns a clock that reads `source` at most once per turn of the event loop: the first call reads it and queues
 * a microtask that forgets the reading, so every later call until the current synchronous work ends (a read chunk
 * of lines, in one-shot mode and in the daemon) gets the same value.
 *
 * Why: a program that sets no time stamps each update with the current time, so Date.now() ran once per matching
 * line: ~4.5% of a one-shot run (gettimeofday through V8's runtime) on bench high-cardinality. mtail reads the
 * clock per update, but it keeps times in milliseconds only for `del ... after` and --emit_metric_timestamp, where
 * one reading per chunk (a few ms of work) is the same to within that chunk's processing time.
 */
export function coarseClock(source: () => number): () => number {
  let reading = 0;
  let valid = false;
  const forget = (): void => {
    valid = false;
  };
  return () => {
    if (valid) return reading;
    reading = source();
    valid = true;
    queueMicrotask(forget);
    return reading;
  };
}
