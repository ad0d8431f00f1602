import { auditTestConfig } from "@forusbots/db/testing/vitest-config";

// The browser tests build the page and start the console as its own process: allow for both.
// The page is built once per run, before any test file (test/build-page.setup.ts).
export default auditTestConfig({
  testTimeout: 60_000,
  globalSetup: ["test/build-page.setup.ts"],
});
