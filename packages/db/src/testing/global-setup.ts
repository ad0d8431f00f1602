import { rmSync } from "node:fs";
import type { TestProject } from "vitest/node";
import { maskUrl } from "../config.ts";
import { chooseTestEngine } from "./engine.ts";
import { createPgliteTemplates, type PgliteTemplates } from "./pglite-templates.ts";

/** What every test file receives through `inject("auditTestDatabase")`. */
export type ProvidedTestDatabase =
  | { engine: "postgres"; adminUrl: string; label: string }
  | { engine: "pglite"; label: string; templates: PgliteTemplates };

declare module "vitest" {
  export interface ProvidedContext {
    auditTestDatabase: ProvidedTestDatabase;
  }
}

const POSTGRES_IMAGE = "postgres:15-alpine";

/**
 * Runs once per `vitest run`, before any worker: picks the engine, starts a container when that
 * is the choice, and says which it chose, so a green run always tells what it ran against.
 */
export default async function setup(project: TestProject) {
  const choice = await chooseTestEngine(process.env);
  if (choice.engine === "pglite") {
    const label = "PGlite (embedded)";
    console.log(`[test database] ${label}: ${choice.reason}`);
    const templates = await createPgliteTemplates();
    project.provide("auditTestDatabase", { engine: "pglite", label, templates });
    return () => rmSync(templates.root, { recursive: true, force: true });
  }
  if (choice.engine === "postgres") {
    const label = `PostgreSQL ${maskUrl(choice.url)}`;
    console.log(`[test database] ${label}: ${choice.reason}`);
    project.provide("auditTestDatabase", { engine: "postgres", adminUrl: choice.url, label });
    return;
  }
  const { PostgreSqlContainer } = await import("@testcontainers/postgresql");
  const container = await new PostgreSqlContainer(POSTGRES_IMAGE).start();
  const label = `PostgreSQL in a testcontainers ${POSTGRES_IMAGE} container`;
  console.log(`[test database] ${label}: ${choice.reason}`);
  project.provide("auditTestDatabase", {
    engine: "postgres",
    adminUrl: container.getConnectionUri(),
    label,
  });
  return async () => {
    await container.stop();
  };
}
