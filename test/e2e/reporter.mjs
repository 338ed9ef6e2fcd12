// The tier-3 reporter: one "e2e:" line per test and per failing hook, with its time, so a CI log
// reads like the run went. The closing "e2e: N passed, N failed" line is printed by
// scripts/test-e2e.mjs, which also counts what failed before or around mocha.
import Mocha from 'mocha';

const { EVENT_SUITE_BEGIN, EVENT_TEST_PASS, EVENT_TEST_FAIL } = Mocha.Runner.constants;

export function makeReporter(log) {
  return class E2eReporter extends Mocha.reporters.Base {
    constructor(runner, options) {
      super(runner, options);
      runner.on(EVENT_SUITE_BEGIN, (suite) => {
        if (suite.title) log(`${'  '.repeat(depth(suite) - 1)}${suite.title}`);
      });
      runner.on(EVENT_TEST_PASS, (test) => {
        log(`${indent(test)}✓ ${test.title} (${test.duration} ms)`);
      });
      runner.on(EVENT_TEST_FAIL, (test, err) => {
        // The whole path (session › feature › test), so that a failure reads alone in a CI log.
        const message = String(err?.message ?? err).replace(/\x1b\[[0-9;]*m/g, '').split('\n').slice(0, 6).join('\n      ');
        log(`${indent(test)}✗ ${test.titlePath().join(' › ')}: ${message}`);
      });
    }
  };
}

function depth(suite) {
  let d = 0;
  for (let s = suite; s && !s.root; s = s.parent) d++;
  return d;
}

const indent = (test) => '  '.repeat(depth(test.parent));
