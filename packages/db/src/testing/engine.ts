/**
 * Which database the test suites run on, chosen once per run in this order:
 *   1. TEST_DATABASE_URL: a PostgreSQL server you point at (CI uses the local one);
 *   2. testcontainers: a throw-away PostgreSQL 15 container, when a Docker engine answers;
 *   3. PGlite: embedded, nothing to install.
 * TEST_DB_ENGINE=postgres|testcontainers|pglite forces one (CI forces pglite for its second run).
 */
export type TestEngineChoice =
  | { engine: "postgres"; url: string; reason: string }
  | { engine: "testcontainers"; reason: string }
  | { engine: "pglite"; reason: string };

type Env = Readonly<Record<string, string | undefined>>;

const DOCKER_PROBE_TIMEOUT_MS = 5_000;

async function dockerAnswers(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import("testcontainers");
    const probe = getContainerRuntimeClient().then(() => true);
    const timeout = new Promise<boolean>((resolve) =>
      setTimeout(() => resolve(false), DOCKER_PROBE_TIMEOUT_MS).unref(),
    );
    return await Promise.race([probe, timeout]);
  } catch {
    return false;
  }
}

export async function chooseTestEngine(env: Env): Promise<TestEngineChoice> {
  const forced = env.TEST_DB_ENGINE?.trim();
  const url = env.TEST_DATABASE_URL?.trim();
  if (forced && !["postgres", "testcontainers", "pglite"].includes(forced)) {
    throw new Error(`TEST_DB_ENGINE must be postgres, testcontainers or pglite (got "${forced}")`);
  }
  if (forced === "pglite") return { engine: "pglite", reason: "TEST_DB_ENGINE=pglite" };
  if (forced === "testcontainers") return { engine: "testcontainers", reason: "TEST_DB_ENGINE" };
  if (url) return { engine: "postgres", url, reason: "TEST_DATABASE_URL is set" };
  if (forced === "postgres") {
    throw new Error("TEST_DB_ENGINE=postgres needs TEST_DATABASE_URL");
  }
  if (await dockerAnswers()) {
    return { engine: "testcontainers", reason: "TEST_DATABASE_URL unset and Docker answers" };
  }
  return { engine: "pglite", reason: "TEST_DATABASE_URL unset and no Docker engine answers" };
}
