import { jobs, type NewJob } from "@forusbots/db/schema";
import { beforeAll, describe, expect, it } from "vitest";
import { at, useAuditDatabase } from "../testing/audit-database.ts";
import { findBotIdsByPrefix } from "./bot-ids.ts";
import { getFailureGroups, NO_ERROR_MESSAGE } from "./failure-groups.ts";
import { getJobSpan } from "./job-span.ts";
import { countJobsByState } from "./job-state-counts.ts";

const context = useAuditDatabase();

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const failed = (n: number, botId: string, minute: number, errorMessage: string | null): NewJob => ({
  jobId: id(n),
  botId,
  state: "failed",
  acceptedAt: at(minute),
  startedAt: at(minute),
  finishedAt: at(minute, 5),
  errorMessage,
});

/*
 * Failures by hand (minute of acceptance in brackets):
 *   timeout after <n> ms on <n>   F1 alpha [1] "timeout after 30000 ms on 10.0.0.7"
 *                                 F2 beta  [4] "timeout after 45000 ms on 10.0.0.9"
 *                                 F3 alpha [6] "timeout  after 5 ms on 10.0.0.7" (two spaces)
 *   job <id> not found            F4 beta  [2] "job 0f3c…01 not found"
 *                                 F5 beta  [7] "job 9a1b…02 not found"
 *   E_PARSE2: bad header          F6 alpha [3] kept whole: E_PARSE2 is a code, not a number
 *   (no error message)            F7 gamma [5] null
 * and beside them S1 succeeded [0], Q1 queued [8] (alpha), R1 running [9] (beta).
 */
beforeAll(async () => {
  await context.db.insert(jobs).values([
    failed(1, "alpha", 1, "timeout after 30000 ms on 10.0.0.7"),
    failed(2, "beta", 4, "timeout after 45000 ms on 10.0.0.9"),
    failed(3, "alpha", 6, "timeout  after 5 ms on 10.0.0.7"),
    failed(4, "beta", 2, "job 0f3c2a10-1111-4111-8111-000000000001 not found"),
    failed(5, "beta", 7, "job 9A1B2C30-2222-4222-8222-000000000002 not found"),
    failed(6, "alpha", 3, "E_PARSE2: bad header"),
    failed(7, "gamma", 5, null),
    {
      jobId: id(8),
      botId: "alpha",
      state: "succeeded",
      acceptedAt: at(0),
      startedAt: at(0),
      finishedAt: at(0, 5),
    },
    { jobId: id(9), botId: "alpha", state: "queued", acceptedAt: at(8) },
    { jobId: id(10), botId: "beta", state: "running", acceptedAt: at(9), startedAt: at(9) },
  ]);
});

describe("failure groups", () => {
  it("groups failed jobs by their message with ids and numbers set aside, largest first", async () => {
    const { groups, totalFailures, omittedGroups } = await getFailureGroups(context.db);
    expect(totalFailures).toBe(7);
    expect(omittedGroups).toBe(0);
    expect(groups).toEqual([
      {
        signature: "timeout after <n> ms on <n>",
        latestMessage: "timeout  after 5 ms on 10.0.0.7",
        latestJobId: id(3),
        failures: 3,
        firstSeen: at(1),
        lastSeen: at(6),
        botIds: ["alpha", "beta"],
      },
      {
        signature: "job <id> not found",
        latestMessage: "job 9A1B2C30-2222-4222-8222-000000000002 not found",
        latestJobId: id(5),
        failures: 2,
        firstSeen: at(2),
        lastSeen: at(7),
        botIds: ["beta"],
      },
      // One failure each: the more recent first.
      {
        signature: NO_ERROR_MESSAGE,
        latestMessage: null,
        latestJobId: id(7),
        failures: 1,
        firstSeen: at(5),
        lastSeen: at(5),
        botIds: ["gamma"],
      },
      {
        signature: "E_PARSE2: bad header",
        latestMessage: "E_PARSE2: bad header",
        latestJobId: id(6),
        failures: 1,
        firstSeen: at(3),
        lastSeen: at(3),
        botIds: ["alpha"],
      },
    ]);
  });

  it("keeps to a bot and to a range of acceptance, [from, to)", async () => {
    const alpha = await getFailureGroups(context.db, { botId: "alpha" });
    expect(alpha.totalFailures).toBe(3);
    expect(alpha.groups.map((group) => [group.signature, group.failures])).toEqual([
      ["timeout after <n> ms on <n>", 2],
      ["E_PARSE2: bad header", 1],
    ]);
    // Minutes 2 to 5: F4 [2], F6 [3], F2 [4]; F7 at 5 is the excluded end. One each, so the
    // most recent first: F2, F6, F4.
    const middle = await getFailureGroups(context.db, { from: at(2), to: at(5) });
    expect(middle.totalFailures).toBe(3);
    expect(middle.groups.map((group) => [group.signature, group.failures])).toEqual([
      ["timeout after <n> ms on <n>", 1],
      ["E_PARSE2: bad header", 1],
      ["job <id> not found", 1],
    ]);
    expect(await getFailureGroups(context.db, { from: at(10) })).toEqual({
      groups: [],
      totalFailures: 0,
      omittedGroups: 0,
    });
  });
});

describe("job state counts", () => {
  it("counts every state, zero included, by bot and range", async () => {
    expect(await countJobsByState(context.db)).toEqual({
      queued: 1,
      running: 1,
      succeeded: 1,
      failed: 7,
      canceled: 0,
    });
    // alpha: S1 [0], F6 [3], F1 [1], F3 [6], Q1 [8]; from minute 1 leaves S1 out.
    expect(await countJobsByState(context.db, { botId: "alpha", from: at(1) })).toEqual({
      queued: 1,
      running: 0,
      succeeded: 0,
      failed: 3,
      canceled: 0,
    });
  });
});

describe("job span", () => {
  it("is the first and last acceptance, of one bot or all, null without jobs", async () => {
    expect(await getJobSpan(context.db)).toEqual({ first: at(0), last: at(9) });
    expect(await getJobSpan(context.db, { botId: "gamma" })).toEqual({ first: at(5), last: at(5) });
    expect(await getJobSpan(context.db, { botId: "nobody" })).toEqual({ first: null, last: null });
  });
});

describe("bot ids by prefix", () => {
  it("finds bots whose id starts with the text, any case, wildcards taken literally", async () => {
    expect(await findBotIdsByPrefix(context.db, "", 10)).toEqual(["alpha", "beta", "gamma"]);
    expect(await findBotIdsByPrefix(context.db, "AL", 10)).toEqual(["alpha"]);
    expect(await findBotIdsByPrefix(context.db, "%", 10)).toEqual([]);
    expect(await findBotIdsByPrefix(context.db, "_eta", 10)).toEqual([]);
    expect(await findBotIdsByPrefix(context.db, "", 2)).toEqual(["alpha", "beta"]);
  });
});
