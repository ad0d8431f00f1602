import { randomUUID } from "node:crypto";
import { describeFailure, describeStack } from "@forusbots/db";
import { jobs } from "@forusbots/db/schema";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../errors.ts";
import { at, useAuditDatabase } from "../testing/audit-database.ts";
import { createAuditRecorder } from "./recorder.ts";

const context = useAuditDatabase();

/** What the bot put in meta: no message about the call may repeat it. */
const SECRET = "s3cret-in-recorder-meta";

async function refusalOf(call: Promise<unknown>): Promise<ValidationError> {
  const error = await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ValidationError);
  const refusal = error as ValidationError;
  const shown = `${refusal.message}\n${describeFailure(refusal).message}\n${describeStack(refusal)}`;
  expect(shown).not.toContain(SECRET);
  expect(describeFailure(refusal).exitCode).toBe(1);
  return refusal;
}

describe("the recorder refuses at its edge what the database would refuse", () => {
  const recorder = () => createAuditRecorder(context.db, { enabled: true });
  const storedJob = async (jobId: string) =>
    (await context.db.select().from(jobs).where(eq(jobs.jobId, jobId)))[0];

  it("a 4 KB bot id: a validation error naming the field, nothing sent, no meta shown", async () => {
    const jobId = randomUUID();
    const error = await refusalOf(
      recorder().acceptJob({ jobId, botId: "b".repeat(4096), at: at(0), meta: { token: SECRET } }),
    );
    expect(error.message).toBe("botId: 4096 characters, longer than the 200 a name may have");
    expect(error.cause).toBeUndefined();
    expect(await storedJob(jobId)).toBeUndefined();
  });

  it("a stage name of 3,000 characters", async () => {
    const jobId = randomUUID();
    await recorder().acceptJob({ jobId, botId: "bot-l", at: at(0) });
    const error = await refusalOf(
      recorder().recordStage({
        jobId,
        stageName: "s".repeat(3000),
        startedAt: at(1),
        endedAt: at(2),
        status: "succeed",
        meta: { token: SECRET },
      }),
    );
    expect(error.message).toBe("stageName: 3000 characters, longer than the 200 a name may have");
  });

  it("meta nested 4,500 levels: refused, not a stack overflow", async () => {
    let meta: Record<string, unknown> = { token: SECRET };
    for (let level = 0; level < 4500; level++) meta = { a: meta };
    const error = await refusalOf(
      recorder().acceptJob({ jobId: randomUUID(), botId: "bot-l", at: at(0), meta }),
    );
    expect(error.message).toBe(`meta${".a".repeat(64)}: nested deeper than 64 levels`);
  });

  it("an event over 1 MB as JSON, which ingest could not take back", async () => {
    const error = await refusalOf(
      recorder().finishJob({
        jobId: randomUUID(),
        state: "canceled",
        at: at(0),
        result: { token: SECRET, blob: "x".repeat(2 * 1024 * 1024) },
      }),
    );
    expect(error.message).toMatch(
      /^event: \d+ bytes as JSON, more than an event may take \(1048576\)$/,
    );
  });
});
