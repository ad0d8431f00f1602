import type { GeneratedJob } from "./generate-jobs.ts";

/**
 * A generated job as the events a recorder would send (the contract of @forusbots/queries), in
 * the shape a JSON line parses to: timestamps as ISO strings, absent optionals left out.
 *
 * Not the queries' `jobToEvents`, on purpose: that one turns a stored row into typed events with
 * `Date`s, which the ingest path would validate more cheaply than the strings `forus-audit
 * ingest` gets from a file, so the benchmark would overstate what ingest does. Turning its
 * events into strings here would add a JSON round trip per event to the timed stream instead.
 */
export function generatedJobEvents(job: GeneratedJob): Record<string, unknown>[] {
  const events: Record<string, unknown>[] = [
    {
      type: "job.accepted",
      jobId: job.jobId,
      botId: job.botId,
      at: job.acceptedAt.toISOString(),
      meta: job.meta,
    },
  ];
  if (job.startedAt) {
    events.push({ type: "job.started", jobId: job.jobId, at: job.startedAt.toISOString() });
  }
  for (const stage of job.stages) {
    events.push({
      type: "stage",
      jobId: job.jobId,
      stageName: stage.stageName,
      startedAt: stage.startedAt.toISOString(),
      endedAt: stage.endedAt.toISOString(),
      status: stage.status,
      meta: stage.meta,
      ...(stage.error ? { error: stage.error } : {}),
    });
  }
  if (job.finishedAt) {
    events.push({
      type: "job.finished",
      jobId: job.jobId,
      state: job.state,
      at: job.finishedAt.toISOString(),
      ...(job.result ? { result: job.result } : {}),
      ...(job.errorMessage ? { errorMessage: job.errorMessage } : {}),
    });
  }
  return events;
}
