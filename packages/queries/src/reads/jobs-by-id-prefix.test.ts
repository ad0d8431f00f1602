import { jobs } from "@forusbots/db/schema";
import { beforeAll, describe, expect, it } from "vitest";
import { parseJobIdPrefix } from "../contract/job-id-prefix.ts";
import { at, useAuditDatabase } from "../testing/audit-database.ts";
import { findJobsByIdPrefix } from "./jobs-by-id-prefix.ts";

const context = useAuditDatabase();

// Ids chosen by hand so prefixes share digits across the hyphens and at the range's edges.
const A = "f5c72820-0000-4000-8000-000000000001";
const B = "f5c72820-ffff-4fff-bfff-ffffffffffff";
const C = "f5c72821-0000-4000-8000-000000000000";
const D = "f5c7ffff-1234-4000-8000-000000000000";
const E = "f5c80000-0000-4000-8000-000000000000";

beforeAll(async () => {
  await context.db.insert(jobs).values(
    [A, B, C, D, E].map((jobId, index) => ({
      jobId,
      botId: `bot-${index}`,
      state: "queued" as const,
      acceptedAt: at(index),
    })),
  );
});

const idsFor = async (text: string, limit = 10) => {
  const parsed = parseJobIdPrefix(text);
  if (!parsed.ok) throw new Error(parsed.problem);
  return (await findJobsByIdPrefix(context.db, parsed.value, limit)).map((job) => job.jobId);
};

describe("jobs by id prefix", () => {
  it("finds every job whose id starts with the prefix, in id order", async () => {
    expect(await idsFor("f5c72820")).toEqual([A, B]);
    expect(await idsFor("F5C7")).toEqual([A, B, C, D]);
    expect(await idsFor("f5c7282")).toEqual([A, B, C]);
    expect(await idsFor("f5c8")).toEqual([E]);
  });

  it("reads hyphens where the id has them, and a whole id as itself", async () => {
    expect(await idsFor("f5c72820-ffff")).toEqual([B]);
    expect(await idsFor("f5c72820ffff")).toEqual([B]);
    expect(await idsFor(C)).toEqual([C]);
  });

  it("stops at the limit and finds nothing for an unused prefix", async () => {
    expect(await idsFor("f5c7", 2)).toEqual([A, B]);
    expect(await idsFor("0000")).toEqual([]);
  });

  it("refuses what cannot be an id prefix", () => {
    for (const text of ["f5c", "xyz12345", "f5c72820-0000-4000-8000-0000000000011", ""]) {
      expect(parseJobIdPrefix(text).ok).toBe(false);
    }
  });
});
