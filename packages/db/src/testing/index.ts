export { chooseTestEngine, type TestEngineChoice } from "./engine.ts";
export type { ProvidedTestDatabase } from "./global-setup.ts";
export { createLoginRole, type TestLoginRole } from "./login-roles.ts";
export {
  type CreateTestDatabaseOptions,
  createTestDatabase,
  type TestDatabase,
} from "./test-database.ts";
export { type TestDatabaseContext, useTestDatabase } from "./use-test-database.ts";
