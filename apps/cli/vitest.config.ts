// A relative path, not `@forusbots/db/testing/vitest-config`: Vite bundles config files with every
// bare import left external, and Node cannot load the workspace package's .ts source on its own.
import { auditTestConfig } from "../../packages/db/src/testing/vitest-config.ts";

// Each test spawns the real CLI several times; on PGlite every spawn boots the WebAssembly
// PostgreSQL, a few seconds each on a busy two-core machine.
export default auditTestConfig({ testTimeout: 120_000 });
