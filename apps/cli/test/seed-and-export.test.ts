import {
  createDatabaseForTest,
  createTestDatabase,
  type TestDatabase,
} from "@forusbots/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliRun, runCli } from "./cli-process.ts";
import { readAllRows } from "./table-rows.ts";

const END = "2026-03-01T00:00:00Z";
const seedArgs = (seed: string) => [
  "seed",
  "--jobs",
  "60",
  "--bots",
  "3",
  "--seed",
  seed,
  "--end",
  END,
];

/** Fields of a sample event the test reads, whatever its type. */
interface ExportedEvent {
  type: string;
  jobId: string;
  botId?: string;
  state?: string;
  status?: string;
  error?: unknown;
  at?: string;
  startedAt?: string;
}

const parseLines = (text: string): ExportedEvent[] =>
  text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line));

describe("seed, export and ingest", () => {
  // The fixture, read and never written by the tests: a database seeded with seed 42, what the
  // seed said, and its export. A test that writes makes a database of its own.
  let seeded: TestDatabase;
  let seedRun: CliRun;
  let exported: string;
  beforeAll(async () => {
    seeded = await createTestDatabase();
    seedRun = await runCli([...seedArgs("42"), "--json"], { env: seeded.env });
    expect(seedRun.status).toBe(0);
    const run = await runCli(["export"], { env: seeded.env });
    expect(run.status).toBe(0);
    exported = run.stdout;
  });
  afterAll(async () => seeded?.dispose());

  it("seed stores the jobs it was asked for and reports them", () => {
    const summary = JSON.parse(seedRun.stdout);
    expect(summary).toMatchObject({
      jobs: 60,
      bots: 3,
      seed: "42",
      end: "2026-03-01T00:00:00.000Z",
    });
    expect(summary.stored).toBe(summary.events);
    expect(summary.unchanged).toBe(0);
  });

  it("the same seed gives the same data: identical exports", async () => {
    const again = await createDatabaseForTest();
    expect((await runCli(seedArgs("42"), { env: again.env })).status).toBe(0);
    const run = await runCli(["export"], { env: again.env });
    expect(run.status).toBe(0);
    expect(exported.length).toBeGreaterThan(0);
    expect(run.stdout).toBe(exported);
  });

  it("seeding again with the same seed changes nothing", async () => {
    const database = await createDatabaseForTest();
    expect((await runCli(seedArgs("42"), { env: database.env })).status).toBe(0);
    const before = await readAllRows(database);
    const run = await runCli([...seedArgs("42"), "--json"], { env: database.env });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).stored).toBe(0);
    expect(await readAllRows(database)).toEqual(before);
  });

  it("another seed gives other data", async () => {
    const other = await createDatabaseForTest();
    expect((await runCli(seedArgs("43"), { env: other.env })).status).toBe(0);
    const otherExport = await runCli(["export"], { env: other.env });
    expect(otherExport.status).toBe(0);
    expect(otherExport.stdout).not.toBe(exported);
  });

  it("the sample has 3 bots, every job state, and failed stages with error objects", () => {
    const events = parseLines(exported);
    const accepted = events.filter((event) => event.type === "job.accepted");
    expect(accepted).toHaveLength(60);
    expect(new Set(accepted.map((event) => event.botId)).size).toBe(3);
    const finalState = new Map<string, string>();
    for (const event of events) {
      if (event.type === "job.accepted") finalState.set(event.jobId, "queued");
      if (event.type === "job.started") finalState.set(event.jobId, "running");
      if (event.type === "job.finished") finalState.set(event.jobId, event.state ?? "");
    }
    expect(new Set(finalState.values())).toEqual(
      new Set(["queued", "running", "succeeded", "failed", "canceled"]),
    );
    const stages = events.filter((event) => event.type === "stage");
    expect(stages.some((stage) => stage.status === "succeed")).toBe(true);
    const failed = stages.filter((stage) => stage.status === "fail");
    expect(failed.length).toBeGreaterThan(0);
    for (const stage of failed)
      expect(stage.error).toEqual(expect.objectContaining({ code: expect.any(String) }));
    // Every job was accepted within the 30 days before --end.
    for (const event of accepted) {
      const at = Date.parse(event.at ?? "");
      expect(at).toBeLessThan(Date.parse(END));
      expect(at).toBeGreaterThanOrEqual(Date.parse(END) - 30 * 86_400_000);
    }
  });

  it("export | ingest into an empty database reproduces every row", async () => {
    const copy = await createDatabaseForTest();
    const run = await runCli(["ingest", "-", "--json"], { env: copy.env, input: exported });
    expect(run.status).toBe(0);
    const lines = parseLines(exported).length;
    expect(JSON.parse(run.stdout)).toMatchObject({ events: lines, stored: lines, rejected: 0 });
    expect(await readAllRows(copy)).toEqual(await readAllRows(seeded));
    // And the copy exports exactly what the original did.
    expect((await runCli(["export"], { env: copy.env })).stdout).toBe(exported);
  });

  it("export filters by bot", async () => {
    const events = parseLines(exported);
    const bot = events.find((event) => event.type === "job.accepted")?.botId ?? "";
    const jobsOfBot = new Set(
      events.filter((e) => e.type === "job.accepted" && e.botId === bot).map((e) => e.jobId),
    );
    const run = await runCli(["export", "--bot", bot], { env: seeded.env });
    expect(run.status).toBe(0);
    const filtered = parseLines(run.stdout);
    expect(filtered).toEqual(events.filter((event) => jobsOfBot.has(event.jobId)));
  });
});
