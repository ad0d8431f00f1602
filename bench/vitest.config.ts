// A relative import, not `@forusbots/db/testing/vitest-config`: vitest bundles its config with
// dependencies left external, and Node 20 cannot load the .ts file a workspace package exports.
import { auditTestConfig } from "../packages/db/src/testing/vitest-config.ts";

export default auditTestConfig();
