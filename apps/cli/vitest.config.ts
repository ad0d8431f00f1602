import { auditTestConfig } from "@forusbots/db/testing/vitest-config";

// Each test spawns the real CLI several times; on PGlite every spawn boots the WebAssembly
// PostgreSQL, a few seconds each on a busy two-core machine.
export default auditTestConfig({ testTimeout: 120_000 });
