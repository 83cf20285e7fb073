// Waits for a condition in tests, with a bounded timeout instead of a fixed sleep.
// Shared by unit and integration tests; imports nothing from src/.

/**
 * Resolves once `predicate()` returns true (it may be async), checking every `intervalMs`; rejects after
 * `timeoutMs` with `describe()` (when given) in the message, so a failure says what was awaited and what was seen.
 */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
  describe?: () => string,
  intervalMs = 10,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > deadline) {
      const what = describe ? `: ${describe()}` : "";
      throw new Error(`Condition not met within ${timeoutMs} ms${what}.`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
