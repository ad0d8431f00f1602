import { randomUUID } from "node:crypto";
import { setAuditRoleMembership } from "@forusbots/db";
import { plainJobMetricsByBotQuery, plainJobStageSummaryQuery } from "@forusbots/db/schema";
import { createLoginRole, type TestLoginRole, useTestDatabase } from "@forusbots/db/testing";
import { sql } from "drizzle-orm";
import { QueryBuilder } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { at } from "../testing/audit-database.ts";
import { type OpenedAuditRecorder, openAuditRecorder } from "./recorder.ts";

// PGlite has one user and no logins: login roles are a PostgreSQL matter.
const onPostgres = inject("auditTestDatabase").engine === "postgres";

const plain = new QueryBuilder();

/**
 * A bot runner as README says to run it: AUDIT_DB=1 and a login that is a member of
 * audit_writer. PostgreSQL only (PGlite has no logins).
 */
describe.runIf(onPostgres)("the recorder as an audit_writer login", () => {
  const context = useTestDatabase();
  let writer: TestLoginRole;
  let recorder: OpenedAuditRecorder;
  beforeAll(async () => {
    writer = await createLoginRole(context.database, "bot");
    await setAuditRoleMembership(context.handle, "writer", writer.name, "grant");
    recorder = await openAuditRecorder({
      auditEnabled: true,
      database: { engine: "postgres", url: writer.url },
    });
  });
  afterAll(async () => {
    await recorder?.close();
    await writer?.dispose();
  });

  it("records whole lives, replays and conflicts, and the rollups stay the plain aggregates", async () => {
    const jobs = [randomUUID(), randomUUID(), randomUUID()];
    for (const [n, jobId] of jobs.entries()) {
      expect(await recorder.acceptJob({ jobId, botId: `bot-${n % 2}`, at: at(n) })).toBe("stored");
      expect(await recorder.startJob({ jobId, at: at(n, 10) })).toBe("stored");
      expect(
        await recorder.recordStage({
          jobId,
          stageName: "login",
          startedAt: at(n, 10),
          endedAt: at(n, 20 + n),
          status: n === 2 ? "fail" : "succeed",
        }),
      ).toBe("stored");
      // The same stage again (a retried call) is stored once.
      expect(
        await recorder.recordStage({
          jobId,
          stageName: "login",
          startedAt: at(n, 10),
          endedAt: at(n, 20 + n),
          status: n === 2 ? "fail" : "succeed",
        }),
      ).toBe("unchanged");
      const state = n === 2 ? "failed" : "succeeded";
      expect(await recorder.finishJob({ jobId, state, at: at(n + 1) })).toBe("stored");
    }
    // Reading the stored job to classify a contradicting replay needs only the writer's SELECT.
    await expect(
      recorder.finishJob({ jobId: jobs[0] ?? "", state: "failed", at: at(9) }),
    ).rejects.toMatchObject({ kind: "conflict" });

    const rows = (statement: ReturnType<typeof sql>) => context.handle.query(statement);
    const [counts] = await rows(
      sql`SELECT count(*)::int AS jobs, (SELECT count(*)::int FROM job_stages) AS stages FROM jobs`,
    );
    expect(counts).toEqual({ jobs: 3, stages: 3 });
    expect(await rows(sql`SELECT * FROM job_metrics_by_bot ORDER BY 1`)).toEqual(
      await rows(sql`${plainJobMetricsByBotQuery(plain).getSQL()} ORDER BY 1`),
    );
    expect(await rows(sql`SELECT * FROM job_stage_summary ORDER BY 1`)).toEqual(
      await rows(sql`${plainJobStageSummaryQuery(plain).getSQL()} ORDER BY 1`),
    );
    // Worked out by hand: bot-0 ran jobs 0 and 2 (one succeeded, one failed), bot-1 job 1.
    const [bot0] = await rows(
      sql`SELECT succeeded_jobs, failed_jobs FROM job_metrics_by_bot WHERE bot_id = 'bot-0'`,
    );
    expect(bot0).toEqual({ succeeded_jobs: 1, failed_jobs: 1 });
  });
});
