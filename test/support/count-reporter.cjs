// Mocha's spec output plus one closing line with the real counts, which CI reads:
// "tests: N passed, N failed" (pending tests are reported as skipped).
'use strict';
const Mocha = require('mocha');
const { EVENT_RUN_END } = Mocha.Runner.constants;

class CountReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const s = runner.stats || this.stats;
      const skipped = s.pending ? `, ${s.pending} skipped` : '';
      process.stdout.write(`tests: ${s.passes} passed, ${s.failures} failed${skipped}\n`);
    });
  }
}
module.exports = CountReporter;
