import { auditTestConfig } from "@forusbots/db/testing/vitest-config";

// Each test starts the bot as its own process; on PGlite every start boots the WebAssembly
// PostgreSQL, a few seconds on a busy two-core machine.
export default auditTestConfig({ testTimeout: 120_000 });
