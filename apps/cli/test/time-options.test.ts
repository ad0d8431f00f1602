import { createTestDatabase, type TestDatabase } from "@forusbots/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./cli-process.ts";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Midnight UTC starting the day of `instant`, worked out here rather than with the CLI's code. */
const midnightUtc = (instant: Date) =>
  new Date(Date.UTC(instant.getUTCFullYear(), instant.getUTCMonth(), instant.getUTCDate()));

let sequence = 0;
const jobId = () => `00000000-0000-4000-8000-${String(++sequence).padStart(12, "0")}`;
const accepted = (botId: string, at: Date) => ({
  type: "job.accepted",
  jobId: jobId(),
  botId,
  at: at.toISOString(),
});

/**
 * The time options through the real binary: relative times against the clock, zone-less times as
 * UTC on a machine in another zone, offsets with and without a colon. Each case has a bot of its
 * own, with jobs on both sides of each edge, and `metrics --bot` counts what the range kept.
 */
describe("time options of the CLI", () => {
  let database: TestDatabase;
  const startedAt = new Date();
  const today = midnightUtc(startedAt);
  const yesterday = new Date(today.getTime() - DAY_MS);

  const jobsIn = async (botId: string, args: string[], env: Record<string, string> = {}) => {
    const run = await runCli(["metrics", "--bot", botId, "--json", ...args], {
      env: { ...database.env, ...env },
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const metrics: { totalJobs: number }[] = JSON.parse(run.stdout);
    return metrics[0]?.totalJobs ?? 0;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    const events = [
      // An hour either side of 24 hours ago: the CLI's clock runs a little later than this one.
      accepted("hours", new Date(startedAt.getTime() - 25 * HOUR_MS)),
      accepted("hours", new Date(startedAt.getTime() - 23 * HOUR_MS)),
      // The last minute before yesterday, yesterday's first and last minutes, today's midnight.
      accepted("days", new Date(yesterday.getTime() - 60_000)),
      accepted("days", yesterday),
      accepted("days", new Date(today.getTime() - 60_000)),
      accepted("days", today),
      // A second before and at 10:00 UTC; 10:00 in Tokyo or New York is another instant.
      accepted("utc", new Date("2026-11-29T09:59:59Z")),
      accepted("utc", new Date("2026-11-29T10:00:00Z")),
    ];
    const run = await runCli(["ingest", "-"], {
      env: database.env,
      input: events.map((event) => JSON.stringify(event)).join("\n"),
    });
    expect(run.status).toBe(0);
  });
  afterAll(async () => database?.dispose());

  it("counts 24h, 1440m and 1d back from now", async () => {
    expect(await jobsIn("hours", ["--from", "24h"])).toBe(1);
    expect(await jobsIn("hours", ["--from", "1440m"])).toBe(1);
    expect(await jobsIn("hours", ["--from", "1d", "--to", "now"])).toBe(1);
    expect(await jobsIn("hours", ["--from", "2d"])).toBe(2);
    expect(await jobsIn("hours", ["--to", "24h"])).toBe(1);
  });

  it("reads yesterday and today as midnight UTC", async () => {
    // Were midnight UTC to pass during the run, yesterday would move under the test's feet.
    if (midnightUtc(new Date()).getTime() !== today.getTime()) return;
    expect(await jobsIn("days", ["--from", "yesterday", "--to", "today"])).toBe(2);
    expect(await jobsIn("days", ["--from", "yesterday"])).toBe(3);
    expect(await jobsIn("days", ["--from", "today"])).toBe(1);
    expect(await jobsIn("days", ["--from", "YESTERDAY", "--to", "Today"])).toBe(2);
  });

  it("reads a timestamp without a zone as UTC, whatever the machine's zone", async () => {
    for (const TZ of ["Asia/Tokyo", "America/New_York"]) {
      expect(await jobsIn("utc", ["--from", "2026-11-29T10:00"], { TZ }), TZ).toBe(1);
      expect(await jobsIn("utc", ["--to", "2026-11-29T10:00:00"], { TZ }), TZ).toBe(1);
    }
    expect(await jobsIn("utc", ["--from", "2026-11-29", "--to", "2026-11-30"])).toBe(2);
  });

  it("applies offsets with or without a colon, and Z in either case", async () => {
    expect(await jobsIn("utc", ["--from", "2026-11-29T11:00:00+01:00"])).toBe(1);
    expect(await jobsIn("utc", ["--from", "2026-11-29T11:00:00+0100"])).toBe(1);
    expect(await jobsIn("utc", ["--from", "2026-11-29T05:00-0500"])).toBe(1);
    expect(await jobsIn("utc", ["--from", "2026-11-29t10:00:00z"])).toBe(1);
    expect(await jobsIn("utc", ["--from", "2026-11-29T09:59:59.001Z"])).toBe(1);
    expect(await jobsIn("utc", ["--from", "2026-11-29T09:59:59Z"])).toBe(2);
  });

  it("refuses another time with one line saying what it takes (exit 2)", async () => {
    const run = await runCli(["metrics", "--from", "last tuesday"], { env: database.env });
    expect(run.status).toBe(2);
    expect(run.stderr.split("\n")[0]).toBe(
      "error: option '--from <time>' argument 'last tuesday' is invalid. expected a date (2026-03-01), an ISO timestamp (2026-03-01T12:00:00Z, +01:00 or +0100; without a zone, UTC), a time ago (30m, 24h, 7d, 2w), now, today or yesterday",
    );
    const backwards = await runCli(["metrics", "--from", "today", "--to", "yesterday"], {
      env: database.env,
    });
    expect(backwards.status).toBe(2);
    expect(backwards.stderr).toBe("forus-audit: --to must be later than from\n");
  });

  it("says in --help how times are read", async () => {
    for (const command of ["metrics", "export", "timeline", "seed"]) {
      const help = await runCli([command, "--help"]);
      expect(help.status).toBe(0);
      expect(help.stdout, command).toContain("or without a zone, then read as UTC");
      expect(help.stdout, command).toContain("a time ago (30m, 24h, 7d, 2w)");
    }
  });
});
