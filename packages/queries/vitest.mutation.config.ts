import { auditTestConfig } from "@forusbots/db/testing/vitest-config";

/**
 * What `pnpm test:mutation` runs against each mutant of the state machine and the write engine:
 * the tests that write through them (planning, the batch path, the four recorder calls, the
 * races). The reads', recorder's and CLI's suites write through the same engine but check other
 * things, at many times the cost per mutant.
 */
export default auditTestConfig({
  include: [
    "src/write-engine/**/*.test.ts",
    "src/ingest/write-events.test.ts",
    "src/ingest/batch-races.test.ts",
    "src/recorder/record-event.test.ts",
    "src/recorder/state-machine-races.test.ts",
  ],
});
