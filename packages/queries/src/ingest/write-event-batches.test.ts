import { randomUUID } from "node:crypto";
import { jobs } from "@forusbots/db/schema";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { at, statementLoggingDatabase, useAuditDatabase } from "../testing/audit-database.ts";
import { type EventBatch, writeEventBatches } from "./write-event-batches.ts";
import type { BatchReport } from "./write-events.ts";

const context = useAuditDatabase();

const iso = (date: Date) => date.toISOString();

/** Batches numbered on from 1 across the stream, as the CLI numbers the lines of a file. */
function numberedBatches(batches: unknown[][]): (EventBatch & { number: number })[] {
  let position = 0;
  return batches.map((events, index) => ({
    number: index + 1,
    items: events.map((event) => ({ position: ++position, event })),
  }));
}

async function storedJob(jobId: string) {
  const [row] = await context.db.select().from(jobs).where(eq(jobs.jobId, jobId));
  return row;
}

describe("writeEventBatches", () => {
  it("writes the batches in order, so a job's events may span several of them", async () => {
    const [A, B] = [randomUUID(), randomUUID()];
    const batches = numberedBatches([
      [
        { type: "job.accepted", jobId: A, botId: "bot-1", at: iso(at(0)) },
        { type: "job.started", jobId: A, at: iso(at(1)) },
      ],
      [
        {
          type: "stage",
          jobId: A,
          stageName: "login",
          startedAt: iso(at(1)),
          endedAt: iso(at(2)),
          status: "succeed",
        },
        { type: "job.finished", jobId: A, state: "failed", at: iso(at(3)) },
        { type: "job.accepted", jobId: B, botId: "bot-2", at: iso(at(2)) },
      ],
      [
        { type: "job.finished", jobId: B, state: "canceled", at: iso(at(4)) },
        // A finished job never changes.
        { type: "job.finished", jobId: A, state: "succeeded", at: iso(at(5)) },
      ],
    ]);
    const written: [number, BatchReport][] = [];
    await writeEventBatches(context.db, batches, (batch, report) => {
      written.push([batch.number, report]);
    });

    expect(written.map(([number, report]) => [number, report.stored, report.unchanged])).toEqual([
      [1, 2, 0],
      [2, 3, 0],
      [3, 1, 0],
    ]);
    expect(written[2]?.[1].rejected.map(({ position, reason }) => [position, reason])).toEqual([
      [7, `state: job ${A} already finished as failed at ${iso(at(3))}`],
    ]);
    // Started at minute 1, failed at minute 3: two minutes.
    expect(await storedJob(A)).toMatchObject({ state: "failed", durationMs: 120_000 });
    expect(await storedJob(B)).toMatchObject({ state: "canceled", startedAt: null });
  });

  it("reads the next batch while the previous one is written, and no further", async () => {
    const happened: string[] = [];
    async function* source() {
      for (let number = 1; number <= 3; number++) {
        happened.push(`read ${number}`);
        const jobId = randomUUID();
        yield {
          number,
          items: [
            {
              position: number,
              event: { type: "job.accepted", jobId, botId: "bot-3", at: iso(at(number)) },
            },
          ],
        };
      }
    }
    await writeEventBatches(context.db, source(), (batch) => {
      happened.push(`written ${batch.number}`);
    });
    // Batch 2 is read before batch 1 is written; batch 3 not before batch 1 is written.
    expect(happened).toEqual(["read 1", "read 2", "written 1", "read 3", "written 2", "written 3"]);
  });

  it("commits each batch without waiting for the disk, then waits once for all of them", async () => {
    const { db, sent } = await statementLoggingDatabase(context.handle);
    const batches = numberedBatches([
      [{ type: "job.accepted", jobId: randomUUID(), botId: "bot-4", at: iso(at(0)) }],
      [{ type: "job.accepted", jobId: randomUUID(), botId: "bot-4", at: iso(at(1)) }],
    ]);
    await writeEventBatches(db, batches, () => {});
    const asynchronous = sent.filter((query) =>
      query.includes("set_config('synchronous_commit', 'off', true)"),
    );
    expect(asynchronous).toHaveLength(2);
    // The last transaction commits with the session's synchronous_commit (on): its flush
    // covers the WAL of every batch before it.
    expect(sent.at(-1)).toBe("SELECT pg_current_xact_id()");
  });

  it("stops at a failing source once the write in flight has committed", async () => {
    const C = randomUUID();
    async function* failingSource() {
      yield {
        items: [
          {
            position: 1,
            event: { type: "job.accepted", jobId: C, botId: "bot-5", at: iso(at(0)) },
          },
        ],
      };
      throw new Error("the file went away");
    }
    const written: number[] = [];
    await expect(
      writeEventBatches(context.db, failingSource(), (_batch, report) => {
        written.push(report.stored);
      }),
    ).rejects.toThrow("the file went away");
    expect(written).toEqual([1]);
    expect(await storedJob(C)).toMatchObject({ state: "queued", botId: "bot-5" });
  });

  it("stops when the caller's callback fails, writing no later batch", async () => {
    const [D, E] = [randomUUID(), randomUUID()];
    const batches = numberedBatches([
      [{ type: "job.accepted", jobId: D, botId: "bot-6", at: iso(at(0)) }],
      [{ type: "job.accepted", jobId: E, botId: "bot-6", at: iso(at(0)) }],
    ]);
    await expect(
      writeEventBatches(context.db, batches, () => {
        throw new Error("the terminal closed");
      }),
    ).rejects.toThrow("the terminal closed");
    expect(await storedJob(D)).toBeDefined();
    // Batch 2 was validated beside batch 1's write, but never written.
    expect(await storedJob(E)).toBeUndefined();
  });
});
