import { auditTestConfig } from "@forusbots/db/testing/vitest-config";

export default auditTestConfig();
