import type { AuditDb } from "@forusbots/db/client";
import { jobStages, jobs, type NewJob, type NewJobStage } from "@forusbots/db/schema";

/**
 * A small audit history whose every figure is worked out by hand below; the API and browser tests
 * assert against these numbers. All of it lies in 1–7 March 2026 (UTC). Durations are chosen so
 * that no shown figure falls on a rounding tie (x.x5 s), where the last floating-point digit of a
 * percentile would pick the digit shown.
 *
 *   bot          job  accepted        state      run (started → finished)       stages
 *   invoice-bot  J1   2 Mar 09:00     succeeded  09:00:10 → 09:01:10  (60 s)    fetch 10 s, parse 30 s, upload 20 s
 *   invoice-bot  J2   2 Mar 10:00     succeeded  10:00:00 → 10:02:00  (120 s)   fetch 15 s, parse 60 s, upload 44 s
 *   invoice-bot  J3   3 Mar 11:00     failed     11:00:00 → 11:00:30  (30 s)    fetch 6 s, parse 24 s (fail)
 *   report-bot   J4   3 Mar 12:00     succeeded  12:00:00 → 12:04:00  (240 s)   fetch 41 s
 *   report-bot   J5   4 Mar 08:00     queued     —
 *   report-bot   J6   4 Mar 09:00     canceled   never started, finished 09:05
 *   bulk-bot     B0…B25  5 Mar 00:00 + i minutes, queued (26 jobs, for paging)
 */
export const JOB = {
  J1: "11111111-1111-4111-8111-111111111111",
  J2: "22222222-2222-4222-8222-222222222222",
  J3: "33333333-3333-4333-8333-333333333333",
  J4: "44444444-4444-4444-8444-444444444444",
  J5: "55555555-5555-4555-8555-555555555555",
  J6: "66666666-6666-4666-8666-666666666666",
} as const;

/** Bulk job i: a UUID whose last twelve digits are i, accepted i minutes after 5 Mar 00:00. */
export const bulkJobId = (index: number): string =>
  `bbbbbbbb-bbbb-4bbb-8bbb-${String(index).padStart(12, "0")}`;
export const BULK_JOBS = 26;

export const UNKNOWN_JOB = "99999999-9999-4999-8999-999999999999";

const at = (text: string) => new Date(text);

const knownJobs: NewJob[] = [
  {
    jobId: JOB.J1,
    botId: "invoice-bot",
    state: "succeeded",
    acceptedAt: at("2026-03-02T09:00:00Z"),
    startedAt: at("2026-03-02T09:00:10Z"),
    finishedAt: at("2026-03-02T09:01:10Z"),
    meta: { customer: "acme", pages: 3 },
    result: { invoices: 3 },
    createdBy: { name: "Ada", role: "operator", at: "2026-03-02T08:59:00Z" },
  },
  {
    jobId: JOB.J2,
    botId: "invoice-bot",
    state: "succeeded",
    acceptedAt: at("2026-03-02T10:00:00Z"),
    startedAt: at("2026-03-02T10:00:00Z"),
    finishedAt: at("2026-03-02T10:02:00Z"),
  },
  {
    jobId: JOB.J3,
    botId: "invoice-bot",
    state: "failed",
    acceptedAt: at("2026-03-03T11:00:00Z"),
    startedAt: at("2026-03-03T11:00:00Z"),
    finishedAt: at("2026-03-03T11:00:30Z"),
    meta: { customer: "globex", pages: 12 },
    result: { partial: true, parsed: { pages: 4 } },
    createdBy: { name: "Grace", role: "scheduler", at: "2026-03-03T10:59:00Z" },
    errorMessage: "portal rejected the upload",
  },
  {
    jobId: JOB.J4,
    botId: "report-bot",
    state: "succeeded",
    acceptedAt: at("2026-03-03T12:00:00Z"),
    startedAt: at("2026-03-03T12:00:00Z"),
    finishedAt: at("2026-03-03T12:04:00Z"),
  },
  { jobId: JOB.J5, botId: "report-bot", state: "queued", acceptedAt: at("2026-03-04T08:00:00Z") },
  {
    jobId: JOB.J6,
    botId: "report-bot",
    state: "canceled",
    acceptedAt: at("2026-03-04T09:00:00Z"),
    finishedAt: at("2026-03-04T09:05:00Z"),
  },
];

const bulkJobs: NewJob[] = Array.from({ length: BULK_JOBS }, (_, index) => ({
  jobId: bulkJobId(index),
  botId: "bulk-bot",
  state: "queued",
  acceptedAt: new Date(Date.UTC(2026, 2, 5, 0, index)),
}));

const stage = (
  jobId: string,
  stageName: string,
  startedAt: string,
  endedAt: string,
  failure?: NewJobStage["error"],
): NewJobStage => ({
  jobId,
  stageName,
  startedAt: at(startedAt),
  endedAt: at(endedAt),
  status: failure === undefined ? "succeed" : "fail",
  error: failure ?? null,
});

const knownStages: NewJobStage[] = [
  stage(JOB.J1, "fetch", "2026-03-02T09:00:10Z", "2026-03-02T09:00:20Z"),
  stage(JOB.J1, "parse", "2026-03-02T09:00:20Z", "2026-03-02T09:00:50Z"),
  stage(JOB.J1, "upload", "2026-03-02T09:00:50Z", "2026-03-02T09:01:10Z"),
  stage(JOB.J2, "fetch", "2026-03-02T10:00:00Z", "2026-03-02T10:00:15Z"),
  stage(JOB.J2, "parse", "2026-03-02T10:00:15Z", "2026-03-02T10:01:15Z"),
  stage(JOB.J2, "upload", "2026-03-02T10:01:15Z", "2026-03-02T10:01:59Z"),
  stage(JOB.J3, "fetch", "2026-03-03T11:00:00Z", "2026-03-03T11:00:06Z"),
  stage(JOB.J3, "parse", "2026-03-03T11:00:06Z", "2026-03-03T11:00:30Z", {
    code: "E_PARSE",
    message: "unexpected end of file",
  }),
  stage(JOB.J4, "fetch", "2026-03-03T12:00:00Z", "2026-03-03T12:00:41Z"),
];

export async function insertKnownAuditData(db: AuditDb): Promise<void> {
  await db.insert(jobs).values([...knownJobs, ...bulkJobs]);
  await db.insert(jobStages).values(knownStages);
}
