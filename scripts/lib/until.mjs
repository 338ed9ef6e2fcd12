// Polling with a deadline: every wait of the tier-3 tests and of `npm start` goes through here, so
// nothing waits forever and a timeout says what it waited for and what it saw last.

/** Polls `fn` until it returns a truthy value; throws, naming `what` and the last value, at the deadline. */
export async function until(what, fn, timeoutMs = 20_000, everyMs = 100) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      // A condition may throw to give up at once (a server that exited): it says so with `fatal`.
      if (e?.fatal) throw e;
      last = e.message;
    }
    if (Date.now() > deadline) {
      const seen = last !== undefined ? ` (last: ${JSON.stringify(last)?.slice(0, 300)})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${seen}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** An error that stops `until` at once instead of being retried. */
export function fatal(message) {
  const e = new Error(message);
  e.fatal = true;
  return e;
}
