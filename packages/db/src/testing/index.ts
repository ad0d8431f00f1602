export {
  type ChildOptions,
  childEnvironment,
  type ProcessRun,
  runNodeScript,
  runProcess,
  startProcess,
  VARIABLES_NOT_INHERITED,
} from "./child-process.ts";
export { createDatabaseForTest, openDatabaseForTest } from "./database-for-test.ts";
export { chooseTestEngine, type TestEngineChoice } from "./engine.ts";
export type { ProvidedTestDatabase } from "./global-setup.ts";
export { runLegacyScript } from "./legacy-variants.ts";
export { createLoginRole, type TestLoginRole } from "./login-roles.ts";
export { PrivateCluster } from "./private-cluster.ts";
export { closedLoopbackPort, harnessServerUrl } from "./server-urls.ts";
export { RUN_TYPESCRIPT_FROM_SOURCE, SOURCE_CONDITION } from "./source-condition.ts";
export {
  type CreateTestDatabaseOptions,
  createTestDatabase,
  type TestDatabase,
} from "./test-database.ts";
export { type TestDatabaseContext, useTestDatabase } from "./use-test-database.ts";
