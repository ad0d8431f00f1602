import { auditTestConfig } from "./src/testing/vitest-config.ts";

export default auditTestConfig();
