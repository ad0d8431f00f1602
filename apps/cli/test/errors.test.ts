import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  closedLoopbackPort,
  createTestDatabase,
  harnessServerUrl,
  runNodeScript,
  type TestDatabase,
} from "@forusbots/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliRun, runCli } from "./cli-process.ts";

const PASSWORD = "s3cret-pw";
/** The server the harness runs the suites on; undefined on PGlite. */
const serverUrl = harnessServerUrl();
const onPostgres = serverUrl !== undefined;

/** The harness's server URL with `change` applied (another database, another login). */
function harnessUrlWith(change: (url: URL) => void): URL {
  const url = new URL(serverUrl ?? "");
  change(url);
  return url;
}

/** A user error is one line on stderr, nothing on stdout, and no stack trace. */
function expectOneLineError(run: CliRun, status: number, text: string) {
  expect(run.status).toBe(status);
  expect(run.stdout).toBe("");
  const lines = run.stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(text);
  expect(run.stderr).not.toContain("    at ");
}

describe("usage errors (exit 2)", () => {
  it("the binary in a checkout never built says to run pnpm build", async () => {
    const checkout = mkdtempSync(join(tmpdir(), "forusbots-unbuilt-"));
    try {
      mkdirSync(join(checkout, "bin"));
      writeFileSync(join(checkout, "package.json"), '{ "type": "module" }\n');
      copyFileSync(
        new URL("../bin/forus-audit.js", import.meta.url),
        join(checkout, "bin/forus-audit.js"),
      );
      const run = await runNodeScript(join(checkout, "bin/forus-audit.js"), ["status"]);
      expectOneLineError(run, 2, "dist/forus-audit.js is not built: run `pnpm build`");
    } finally {
      rmSync(checkout, { recursive: true, force: true });
    }
  });

  it("an unknown command", async () => {
    const run = await runCli(["frobnicate"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("unknown command 'frobnicate'");
  });

  it("an option value that is not a number names the option", async () => {
    const run = await runCli(["seed", "--jobs", "many"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("--jobs");
    expect(run.stderr).toContain("expected a whole number");
  });

  it("a malformed timestamp", async () => {
    const run = await runCli(["metrics", "--from", "last tuesday"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("--from");
    expect(run.stderr).toContain("expected a date (2026-03-01)");
  });

  it("a state that does not exist", async () => {
    const run = await runCli(["recent", "--state", "done"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("queued, running, succeeded, failed, canceled");
  });

  it("a --database-url that is not a PostgreSQL URL", async () => {
    expectOneLineError(
      await runCli(["status", "--database-url", "mysql://root:hunter2@db/audit"]),
      2,
      "--database-url must start with postgres:// or postgresql://",
    );
  });

  it("an events file that does not exist", async () => {
    expectOneLineError(
      await runCli(["ingest", "/nonexistent/events.jsonl"]),
      2,
      "cannot read events file /nonexistent/events.jsonl: no such file",
    );
  });

  it("an events file that is a directory", async () => {
    const folder = mkdtempSync(join(tmpdir(), "forus-audit-cli-"));
    expectOneLineError(await runCli(["ingest", folder]), 2, "it is a directory");
  });

  it("a relative events path is read from where pnpm was run (INIT_CWD)", async () => {
    const folder = mkdtempSync(join(tmpdir(), "forus-audit-cli-"));
    mkdirSync(join(folder, "inbox"));
    // Only INIT_CWD has an `inbox` in it: the error proves the path was resolved there.
    const run = await runCli(["ingest", "inbox"], { env: { INIT_CWD: folder }, cwd: tmpdir() });
    expectOneLineError(run, 2, "cannot read events file inbox: it is a directory");
  });

  it("--help succeeds and lists every command", async () => {
    const run = await runCli(["--help"]);
    expect(run.status).toBe(0);
    for (const command of [
      "migrate",
      "status",
      "reset",
      "seed",
      "ingest",
      "export",
      "metrics",
      "recent",
      "stages",
      "job",
      "timeline",
    ]) {
      expect(run.stdout).toMatch(new RegExp(`^  ${command}\\b`, "m"));
    }
  });
});

describe("connection errors (exit 3) never show the password", () => {
  let port: number;
  let refused: string;
  beforeAll(async () => {
    port = await closedLoopbackPort();
    refused = `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/audit`;
  });

  it("an unreachable server is one line naming host and port", async () => {
    const run = await runCli(["status", "--database-url", refused]);
    expectOneLineError(
      run,
      3,
      `cannot connect to PostgreSQL at 127.0.0.1:${port}: connection refused`,
    );
    expect(run.stderr).not.toContain(PASSWORD);
  });

  it("--verbose adds the stack trace, still without the password", async () => {
    const run = await runCli(["status", "--verbose", "--database-url", refused]);
    expect(run.status).toBe(3);
    expect(run.stderr).toContain("    at ");
    expect(run.stderr).not.toContain(PASSWORD);
  });

  it("DATABASE_URL is used when --database-url is absent", async () => {
    const run = await runCli(["metrics"], { env: { DATABASE_URL: refused } });
    expectOneLineError(run, 3, `127.0.0.1:${port}`);
    expect(run.stderr).not.toContain(PASSWORD);
  });

  it.runIf(onPostgres)("a database that does not exist on the server", async () => {
    // The harness's login, whatever its password: a refused login would hide the missing database.
    const url = harnessUrlWith((url) => {
      url.pathname = "/no_such_audit_db";
      if (url.password === "") url.password = PASSWORD;
    });
    const run = await runCli(["status", "--database-url", url.toString()]);
    expectOneLineError(run, 3, 'database "no_such_audit_db" does not exist');
    expect(run.stderr).not.toContain(url.password);
  });

  it.runIf(onPostgres)("a role the server refuses", async () => {
    const url = harnessUrlWith((url) => {
      url.username = "no_such_role";
      url.password = PASSWORD;
    });
    const run = await runCli(["status", "--database-url", url.toString()]);
    expect(run.status).toBe(3);
    expect(run.stderr).toContain("no_such_role");
    expect(run.stderr).not.toContain(PASSWORD);
  });
});

describe.runIf(!onPostgres)("the embedded database", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database?.dispose());

  it("in use by another process is a connection error (exit 3) naming that process", async () => {
    const handle = await database.open();
    try {
      const run = await runCli(["status"], { env: database.env });
      expectOneLineError(run, 3, `is in use by process ${process.pid}`);
    } finally {
      await handle.close();
    }
  });
});

describe.runIf(onPostgres)("a URL with a password, on a real server", () => {
  let database: TestDatabase;
  let url: string;
  beforeAll(async () => {
    database = await createTestDatabase({ migrated: false });
    const withPassword = new URL(database.env.DATABASE_URL ?? "");
    // The local server trusts every login, so any password is accepted and must stay hidden.
    withPassword.password = PASSWORD;
    url = withPassword.toString();
  });
  afterAll(async () => database?.dispose());

  it("no command prints it, and status names the target masked", async () => {
    const runs = [
      await runCli(["metrics", "--database-url", url]),
      await runCli(["migrate", "--database-url", url]),
      await runCli(["status", "--database-url", url]),
      await runCli(["status", "--json"], { env: { DATABASE_URL: url } }),
      await runCli(["seed", "--jobs", "5", "--database-url", url]),
      await runCli(["export", "--database-url", url]),
      await runCli(["reset", "--verbose", "--database-url", url]),
    ];
    for (const run of runs) {
      expect(run.stdout + run.stderr).not.toContain(PASSWORD);
    }
    // Tables missing, migrated, status twice, seeded, exported, reset refused without --yes.
    expect(runs.map((run) => run.status)).toEqual([4, 0, 0, 0, 0, 0, 8]);
    expect(runs[0]?.stderr).toContain(`PostgreSQL ${url.replace(PASSWORD, "***")}`);
    expect(runs[2]?.stdout).toContain(`Database: PostgreSQL ${url.replace(PASSWORD, "***")}`);
  });
});
