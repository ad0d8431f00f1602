import { randomUUID } from "node:crypto";
import type { JsonObject } from "@forusbots/db/schema";
import { jsonObjectSchema } from "../events/fields.ts";
import type {
  AuditRecorder,
  AuditRecorderCalls,
  JobContext,
  JobOptions,
  StageOptions,
} from "./audit-recorder.ts";

/**
 * Longest error message recorded, in UTF-16 units: an error that carries a whole response body
 * must not push the event past the event size limit and lose the record of the failure.
 */
const MAX_ERROR_MESSAGE = 4_000;

/** The text as PostgreSQL can store it: NUL, which it refuses, replaced; cut to the limit. */
function storableMessage(text: string): string {
  const clean = text.replaceAll("\u0000", "\uFFFD");
  return clean.length <= MAX_ERROR_MESSAGE
    ? clean
    : `${clean.slice(0, MAX_ERROR_MESSAGE)}… (${clean.length - MAX_ERROR_MESSAGE} more characters)`;
}

/**
 * What is recorded of a thrown value: its name and message only. The stack is left out (paths,
 * and in some libraries the arguments of the calls), as is anything else the error holds
 * (a request's headers, a connection string): only what the bot put in the message is kept.
 */
function describeError(thrown: unknown): { name: string; message: string } {
  if (thrown instanceof Error) {
    return { name: storableMessage(thrown.name), message: storableMessage(thrown.message) };
  }
  if (typeof thrown === "string") return { name: "Error", message: storableMessage(thrown) };
  // A thrown object or number may hold anything: only its kind is recorded.
  return { name: "NonError", message: `a thrown ${thrown === null ? "null" : typeof thrown}` };
}

/**
 * The job's result column holds a JSON object: a returned object that is JSON is stored as it
 * is, another JSON value (array, string, number, boolean, null) as `{ value }`; anything else
 * (undefined, a Date, a class instance, a function) is not stored.
 */
function resultOf(value: unknown): JsonObject | undefined {
  if (value === undefined) return undefined;
  if (jsonObjectSchema.safeParse(value).success) return value as JsonObject;
  const wrapped = { value };
  return jsonObjectSchema.safeParse(wrapped).success ? (wrapped as JsonObject) : undefined;
}

/** A stage's failure as the job's finish reports it. */
interface StageFailure {
  thrown: unknown;
  message: string;
}

/**
 * Runs `work` as one job on `recorder`: a new job id; `job.accepted` and `job.started` before
 * `work` runs; each `job.stage(…)` recorded when it ends; then `job.finished` — `succeeded`
 * with `work`'s value as result (see `resultOf`), or `failed` with the error's message (when
 * the error came out of a stage, that stage's message) — and `work`'s error rethrown as it was.
 * A recorder error (an invalid bot id, a full spool) throws: the job was not recorded, and the
 * bot is told so rather than the audit trail silently missing it.
 */
export async function runJob<T>(
  recorder: AuditRecorderCalls,
  options: JobOptions,
  work: (job: JobContext) => Promise<T>,
): Promise<T> {
  const jobId = randomUUID();
  await recorder.acceptJob({
    jobId,
    botId: options.botId,
    meta: options.meta ?? null,
    createdBy: options.createdBy ?? null,
  });
  await recorder.startJob({ jobId });

  const failures: StageFailure[] = [];
  let finished = false;

  const context: JobContext = {
    id: jobId,
    botId: options.botId,
    async stage<S>(name: string, run: () => S | Promise<S>, stageOptions: StageOptions = {}) {
      if (finished) {
        throw new Error(`stage "${name}": job ${jobId} has already finished`);
      }
      const startedAt = new Date();
      let value: S;
      try {
        value = await run();
      } catch (thrown) {
        const endedAt = new Date();
        const error = describeError(thrown);
        failures.push({ thrown, message: error.message });
        try {
          await recorder.recordStage({
            jobId,
            stageName: name,
            startedAt,
            endedAt,
            status: "fail",
            meta: stageOptions.meta ?? null,
            error,
          });
        } catch (recording) {
          throw new AggregateError(
            [thrown, recording],
            `stage "${name}" failed and its failure could not be recorded`,
          );
        }
        throw thrown;
      }
      await recorder.recordStage({
        jobId,
        stageName: name,
        startedAt,
        endedAt: new Date(),
        status: "succeed",
        meta: stageOptions.meta ?? null,
      });
      return value;
    },
  };

  let value: T;
  try {
    value = await work(context);
  } catch (thrown) {
    finished = true;
    const fromStage = failures.find((failure) => failure.thrown === thrown);
    await recorder.finishJob({
      jobId,
      state: "failed",
      errorMessage: fromStage?.message ?? describeError(thrown).message,
    });
    throw thrown;
  }
  finished = true;
  await recorder.finishJob({ jobId, state: "succeeded", result: resultOf(value) ?? null });
  return value;
}

/** The recorder with `job` added on top of its four calls. */
export function withJobWrapper<R extends AuditRecorderCalls>(calls: R): R & AuditRecorder {
  const recorder: R & AuditRecorder = Object.assign(calls, {
    job: <T>(options: JobOptions, work: (job: JobContext) => Promise<T>) =>
      runJob(recorder, options, work),
  });
  return recorder;
}
