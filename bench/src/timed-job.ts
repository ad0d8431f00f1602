import type { JsonObject } from "@forusbots/db/schema";
import type { AuditRecorder, WriteOutcome } from "@forusbots/queries";

/**
 * One whole job as a bot records it, through `audit`: accept, start, three stages, finish, each
 * call awaited before the next and timed. `base` is when the job was accepted (epoch ms).
 */
export async function recordTimedJob(
  audit: AuditRecorder,
  job: { botId: string; base: number; meta: JsonObject },
  latencies: number[],
  outcomes: WriteOutcome[],
): Promise<void> {
  const jobId = crypto.randomUUID();
  const { botId, base, meta } = job;
  const at = (seconds: number) => new Date(base + seconds * 1000);
  const calls: (() => Promise<WriteOutcome>)[] = [
    () => audit.acceptJob({ jobId, botId, at: at(0), meta }),
    () => audit.startJob({ jobId, at: at(1) }),
    ...["fetch", "transform", "deliver"].map(
      (stageName, index) => () =>
        audit.recordStage({
          jobId,
          stageName,
          startedAt: at(2 + index),
          endedAt: at(3 + index),
          status: "succeed" as const,
        }),
    ),
    () => audit.finishJob({ jobId, state: "succeeded", at: at(9) }),
  ];
  for (const call of calls) {
    const started = performance.now();
    outcomes.push(await call());
    latencies.push(performance.now() - started);
  }
}
