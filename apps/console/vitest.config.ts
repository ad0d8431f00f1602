// A relative path, not `@forusbots/db/testing/vitest-config`: Vite bundles config files with every
// bare import left external, and Node 20 cannot load the workspace package's .ts source on its
// own (the same choice as apps/cli).
import { auditTestConfig } from "../../packages/db/src/testing/vitest-config.ts";

// The browser tests build the page and start the console as its own process: allow for both.
export default auditTestConfig({ testTimeout: 60_000 });
