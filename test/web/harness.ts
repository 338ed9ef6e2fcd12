// A small test runner for the browser extension host (a web worker: no process, fs or mocha
// needed). Tests run in order; each failure is printed with its stack; the closing line
// `web: N passed, N failed` is what scripts/test-web.mjs reads.
type TestFn = () => Promise<void> | void;

const tests: { name: string; fn: TestFn }[] = [];

export function test(name: string, fn: TestFn): void {
  tests.push({ name, fn });
}

export class AssertionError extends Error {}

export function ok(value: unknown, message: string): asserts value {
  if (!value) throw new AssertionError(message);
}

export function equal<T>(actual: T, expected: T, message: string): void {
  if (actual !== expected) throw new AssertionError(`${message}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

export function deepEqual(actual: unknown, expected: unknown, message: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new AssertionError(`${message}:\n  expected ${e}\n  got      ${a}`);
}

export function match(text: string, re: RegExp, message: string): void {
  if (!re.test(text)) throw new AssertionError(`${message}: ${JSON.stringify(text)} does not match ${re}`);
}

export async function runAll(): Promise<{ passed: number; failed: number }> {
  let passed = 0;
  let failed = 0;
  for (const t of tests) {
    const t0 = Date.now();
    try {
      await t.fn();
      passed++;
      console.log(`  ✓ ${t.name} (${Date.now() - t0} ms)`);
    } catch (e) {
      failed++;
      console.log(`  ✗ ${t.name}\n    ${((e as Error).stack ?? String(e)).split('\n').join('\n    ')}`);
    }
  }
  console.log(`web: ${passed} passed, ${failed} failed`);
  return { passed, failed };
}
