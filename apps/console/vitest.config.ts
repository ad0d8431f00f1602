import { auditTestConfig } from "@forusbots/db/testing/vitest-config";

// The browser tests build the page and start the console as its own process: allow for both.
export default auditTestConfig({ testTimeout: 60_000 });
