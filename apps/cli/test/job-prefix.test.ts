import { createTestDatabase, type TestDatabase } from "@forusbots/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./cli-process.ts";

// Two jobs share their first 8 digits; a third shares only the first 4 with them.
const TWIN_A = "f5c72820-0000-4000-8000-00000000000a";
const TWIN_B = "f5c72820-9999-4000-8000-00000000000b";
const LONER = "f5c79999-0000-4000-8000-000000000001";

const EVENTS = [
  { type: "job.accepted", jobId: TWIN_A, botId: "alpha", at: "2026-03-01T09:00:00Z" },
  { type: "job.accepted", jobId: TWIN_B, botId: "beta", at: "2026-03-01T10:00:00Z" },
  { type: "job.accepted", jobId: LONER, botId: "gamma", at: "2026-03-01T11:00:00Z" },
];

describe("job by id prefix", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
    const ingest = await runCli(["ingest", "-"], {
      env: database.env,
      input: EVENTS.map((event) => JSON.stringify(event)).join("\n"),
    });
    expect(ingest.status, ingest.stderr).toBe(0);
  });
  afterAll(async () => {
    await database?.dispose();
  });

  it("shows the one job an 8-digit prefix names", async () => {
    const run = await runCli(["job", "f5c79999", "--json"], { env: database.env });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ jobId: LONER, botId: "gamma" });
  });

  it("lists the candidates of an ambiguous prefix and exits with the usage status", async () => {
    const run = await runCli(["job", "F5C72820"], { env: database.env });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("job id prefix f5c72820 matches 2 jobs; give more of the id");
    expect(run.stderr).toContain(`${TWIN_A}  alpha  queued  accepted 2026-03-01 09:00:00Z`);
    expect(run.stderr).toContain(`${TWIN_B}  beta  queued  accepted 2026-03-01 10:00:00Z`);
    expect(run.stderr).not.toContain(LONER);
  });

  it("says when no job starts with the prefix, and refuses what is no prefix", async () => {
    const none = await runCli(["job", "0000aaaa"], { env: database.env });
    expect(none.status).toBe(6);
    expect(none.stderr).toContain("no job 0000aaaa has been accepted");
    const bad = await runCli(["job", "f5c"], { env: database.env });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("expected a job id, or its first 4 or more hex digits");
  });
});
