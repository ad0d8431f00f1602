import { createTestDatabase, type TestDatabase } from "@forusbots/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, runCliOnTerminal, terminalAvailable } from "./cli-process.ts";

const ESCAPE = "\u001b[";

describe.runIf(terminalAvailable)("colours and progress only on a terminal", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database?.dispose());

  it("status is coloured on a terminal", async () => {
    const run = await runCliOnTerminal(["status"], { env: database.env });
    expect(run.status).toBe(0);
    // The header in bold, "applied" in green.
    expect(run.stdout).toContain(`${ESCAPE}1mMIGRATION`);
    expect(run.stdout).toContain(`${ESCAPE}32mapplied`);
  });

  it("NO_COLOR turns colours off on a terminal", async () => {
    const run = await runCliOnTerminal(["status"], { env: { ...database.env, NO_COLOR: "1" } });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("applied");
    expect(run.stdout).not.toContain(ESCAPE);
  });

  it("piped, status has no colour", async () => {
    const run = await runCli(["status"], { env: database.env });
    expect(run.stdout).toContain("applied");
    expect(run.stdout + run.stderr).not.toContain(ESCAPE);
  });

  it("seed draws a progress bar on a terminal, and none when piped", async () => {
    const args = ["seed", "--jobs", "20", "--seed", "5", "--end", "2026-03-01"];
    const onTerminal = await runCliOnTerminal(args, { env: database.env });
    expect(onTerminal.status).toBe(0);
    expect(onTerminal.stdout).toMatch(/seeding \[[█░]{30}\] \d+% \d+ of 20 jobs/);
    const piped = await runCli(args, { env: database.env });
    expect(piped.status).toBe(0);
    expect(piped.stderr).toBe("");
    expect(piped.stdout).not.toContain("seeding [");
  });
});
