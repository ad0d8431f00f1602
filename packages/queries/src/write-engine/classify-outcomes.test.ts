import { type TestDatabaseContext, useTestDatabase } from "@forusbots/db/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { ConflictError, NotFoundError, ValidationError } from "../errors.ts";
import type { AuditEvent } from "../events/schemas.ts";
import { at } from "../testing/audit-database.ts";
import { executeWritePlan } from "./execute-plan.ts";
import { planWrites } from "./plan-writes.ts";

/**
 * What an event the writes did not apply is answered with: "unchanged" for a replay, else the
 * error, whose field and message a person reads (`line 12: at: …`). The jobs below are made once;
 * every event sent here is a replay or a refusal, so no test changes what another reads.
 */
const context: TestDatabaseContext = useTestDatabase();

const QUEUED = "00000000-0000-4000-8000-000000000001";
const RUNNING = "00000000-0000-4000-8000-000000000002";
const SUCCEEDED = "00000000-0000-4000-8000-000000000003";
const CANCELED = "00000000-0000-4000-8000-000000000004";
const UNKNOWN = "00000000-0000-4000-8000-00000000000f";

beforeAll(async () => {
  const outcomes = await executeWritePlan(
    context.db,
    planWrites(
      positioned(
        { type: "job.accepted", jobId: QUEUED, botId: "bot-a", at: at(0) },
        { type: "job.accepted", jobId: RUNNING, botId: "bot-a", at: at(0) },
        { type: "job.started", jobId: RUNNING, at: at(1) },
        {
          type: "stage",
          jobId: RUNNING,
          stageName: "login",
          startedAt: at(1),
          endedAt: at(1, 30),
          status: "succeed",
        },
        { type: "job.accepted", jobId: SUCCEEDED, botId: "bot-a", at: at(0) },
        { type: "job.started", jobId: SUCCEEDED, at: at(1) },
        { type: "job.finished", jobId: SUCCEEDED, state: "succeeded", at: at(3) },
        { type: "job.accepted", jobId: CANCELED, botId: "bot-a", at: at(0) },
        { type: "job.finished", jobId: CANCELED, state: "canceled", at: at(2) },
      ),
    ),
  );
  expect([...outcomes.values()].every((outcome) => outcome === "stored")).toBe(true);
});

function positioned(...events: AuditEvent[]) {
  return events.map((event, index) => ({ index, event }));
}

async function outcomeOf(event: AuditEvent) {
  const outcomes = await executeWritePlan(context.db, planWrites(positioned(event)));
  return outcomes.get(0);
}

/** The refusal of an event: its class, the field it names, and the whole message. */
async function refusalOf(event: AuditEvent) {
  const outcome = await outcomeOf(event);
  if (!(outcome instanceof Error)) throw new Error(`expected a refusal, got ${String(outcome)}`);
  return { kind: outcome.constructor, field: outcome.field, message: outcome.message };
}

const stage = (status: "succeed" | "fail", endedAt: Date): AuditEvent => ({
  type: "stage",
  jobId: RUNNING,
  stageName: "login",
  startedAt: at(1),
  endedAt,
  status,
});

describe("replays are unchanged", () => {
  it.each<[string, AuditEvent]>([
    [
      "an acceptance by the same bot, at another time",
      {
        type: "job.accepted",
        jobId: RUNNING,
        botId: "bot-a",
        at: at(0, 5),
      },
    ],
    ["a start at the same time", { type: "job.started", jobId: RUNNING, at: at(1) }],
    [
      "a finish in the same state at the same time",
      {
        type: "job.finished",
        jobId: SUCCEEDED,
        state: "succeeded",
        at: at(3),
      },
    ],
    ["a stage with the same status and end", stage("succeed", at(1, 30))],
  ])("%s", async (_, event) => {
    expect(await outcomeOf(event)).toBe("unchanged");
  });
});

describe("refusals name their field and say why", () => {
  it.each<[string, AuditEvent, { kind: unknown; field: string; message: string }]>([
    [
      "an acceptance by another bot",
      { type: "job.accepted", jobId: RUNNING, botId: "bot-b", at: at(0) },
      {
        kind: ConflictError,
        field: "botId",
        message: `botId: job ${RUNNING} was already accepted for bot "bot-a"`,
      },
    ],
    [
      "a start of a job never accepted",
      { type: "job.started", jobId: UNKNOWN, at: at(1) },
      {
        kind: NotFoundError,
        field: "jobId",
        message: `jobId: no job ${UNKNOWN} has been accepted`,
      },
    ],
    [
      "a start before the acceptance",
      { type: "job.started", jobId: QUEUED, at: at(-1) },
      {
        kind: ValidationError,
        field: "at",
        message: "at: before the job was accepted (2024-01-15T10:00:00.000Z)",
      },
    ],
    [
      "a second start at another time",
      { type: "job.started", jobId: RUNNING, at: at(2) },
      {
        kind: ConflictError,
        field: "at",
        message: `at: job ${RUNNING} already started at 2024-01-15T10:01:00.000Z`,
      },
    ],
    [
      "a start of a job canceled before it started",
      { type: "job.started", jobId: CANCELED, at: at(3) },
      {
        kind: ConflictError,
        field: "jobId",
        message: `jobId: job ${CANCELED} is canceled and can no longer start`,
      },
    ],
    [
      "a finish in another state",
      { type: "job.finished", jobId: SUCCEEDED, state: "failed", at: at(3) },
      {
        kind: ConflictError,
        field: "state",
        message: `state: job ${SUCCEEDED} already finished as succeeded at 2024-01-15T10:03:00.000Z`,
      },
    ],
    [
      "a finish in the same state at another time",
      { type: "job.finished", jobId: SUCCEEDED, state: "succeeded", at: at(4) },
      {
        kind: ConflictError,
        field: "at",
        message: `at: job ${SUCCEEDED} already finished as succeeded at 2024-01-15T10:03:00.000Z`,
      },
    ],
    [
      "a finish of a job never accepted",
      { type: "job.finished", jobId: UNKNOWN, state: "canceled", at: at(1) },
      {
        kind: NotFoundError,
        field: "jobId",
        message: `jobId: no job ${UNKNOWN} has been accepted`,
      },
    ],
    [
      "a finish before the start",
      { type: "job.finished", jobId: RUNNING, state: "failed", at: at(0, 30) },
      {
        kind: ValidationError,
        field: "at",
        message: "at: before the job started (2024-01-15T10:01:00.000Z)",
      },
    ],
    [
      "a cancel before the acceptance",
      { type: "job.finished", jobId: QUEUED, state: "canceled", at: at(-1) },
      {
        kind: ValidationError,
        field: "at",
        message: "at: before the job was accepted (2024-01-15T10:00:00.000Z)",
      },
    ],
    [
      "a finish one millisecond past what duration_ms holds",
      // 2,147,483,647 ms is the most an INTEGER holds; one more is refused.
      {
        type: "job.finished",
        jobId: RUNNING,
        state: "succeeded",
        at: new Date(at(1).getTime() + 2_147_483_648),
      },
      {
        kind: ValidationError,
        field: "at",
        message:
          "at: the job lasts 2147483648 ms, more than duration_ms holds (2147483647 ms, about 24.8 days)",
      },
    ],
    [
      "a queued job finished as anything but canceled",
      { type: "job.finished", jobId: QUEUED, state: "succeeded", at: at(1) },
      {
        kind: ConflictError,
        field: "state",
        message: `state: job ${QUEUED} has not started: a queued job can only be canceled`,
      },
    ],
    [
      "a stored stage with another status",
      stage("fail", at(1, 30)),
      {
        kind: ConflictError,
        field: "status",
        message: `status: stage "login" of job ${RUNNING} started at 2024-01-15T10:01:00.000Z is already stored with status succeed, endedAt 2024-01-15T10:01:30.000Z`,
      },
    ],
    [
      "a stored stage with another end",
      stage("succeed", at(1, 45)),
      {
        kind: ConflictError,
        field: "endedAt",
        message: `endedAt: stage "login" of job ${RUNNING} started at 2024-01-15T10:01:00.000Z is already stored with status succeed, endedAt 2024-01-15T10:01:30.000Z`,
      },
    ],
    [
      "a stage of a job never accepted",
      { ...stage("succeed", at(1, 30)), jobId: UNKNOWN },
      {
        kind: NotFoundError,
        field: "jobId",
        message: `jobId: no job ${UNKNOWN} has been accepted`,
      },
    ],
  ])("%s", async (_, event, expected) => {
    expect(await refusalOf(event)).toEqual(expected);
  });
});
