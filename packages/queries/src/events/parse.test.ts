import { MAX_DURATION_MS } from "@forusbots/db/schema";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../errors.ts";
import { MAX_EVENT_BYTES, MAX_JSON_DEPTH } from "./limits.ts";
import { parseWith, safeParseAuditEvent } from "./parse.ts";
import { jobAcceptedEventSchema } from "./schemas.ts";

const JOB = "6f1c1f9e-3f7a-4b8e-9c1d-2b3a4c5d6e7f";

const accepted = {
  type: "job.accepted",
  jobId: JOB,
  botId: "bot-a",
  at: "2024-01-15T10:00:00.000Z",
};
const stage = {
  type: "stage",
  jobId: JOB,
  stageName: "login",
  startedAt: "2024-01-15T10:01:00.000Z",
  endedAt: "2024-01-15T10:01:30.000Z",
  status: "succeed",
};

/** An accepted input's event; a refused one throws its `ValidationError`. */
function parseAuditEvent(input: unknown) {
  const result = safeParseAuditEvent(input);
  if (!result.ok) throw result.error;
  return result.value;
}

/** The `field: message` pairs an input is refused with. */
function refusal(input: unknown): string[] {
  const result = safeParseAuditEvent(input);
  if (result.ok) throw new Error("expected the event to be refused");
  expect(result.error).toBeInstanceOf(ValidationError);
  expect(result.error.kind).toBe("validation");
  return result.error.issues.map(({ field, message }) => `${field}: ${message}`);
}

describe("event validation", () => {
  it("accepts each event of the contract and converts its timestamps to Date", () => {
    const event = parseAuditEvent({
      ...accepted,
      meta: { priority: 2 },
      createdBy: { name: "ana", role: "operator", at: "2024-01-15T09:59:00Z" },
    });
    expect(event).toEqual({
      type: "job.accepted",
      jobId: JOB,
      botId: "bot-a",
      at: new Date("2024-01-15T10:00:00.000Z"),
      meta: { priority: 2 },
      createdBy: { name: "ana", role: "operator", at: "2024-01-15T09:59:00Z" },
    });
    expect(
      parseAuditEvent({ type: "job.started", jobId: JOB, at: "2024-01-15T11:00:00+01:00" }),
    ).toEqual({ type: "job.started", jobId: JOB, at: new Date("2024-01-15T10:00:00.000Z") });
    // The same grammar as the CLI's and the console's times: offsets without a colon, lower case.
    expect(
      parseAuditEvent({ type: "job.started", jobId: JOB, at: "2024-01-15t11:00:00+0100" }),
    ).toEqual({ type: "job.started", jobId: JOB, at: new Date("2024-01-15T10:00:00.000Z") });
    expect(parseAuditEvent(stage)).toMatchObject({ status: "succeed", stageName: "login" });
    expect(
      parseAuditEvent({ type: "job.finished", jobId: JOB, state: "failed", at: accepted.at }),
    ).toEqual({ type: "job.finished", jobId: JOB, state: "failed", at: new Date(accepted.at) });
  });

  it("lower-cases the job id so replays in another case match", () => {
    expect(parseAuditEvent({ ...accepted, jobId: JOB.toUpperCase() }).jobId).toBe(JOB);
  });

  it("accepts null for an absent optional field", () => {
    const event = parseAuditEvent({ ...stage, meta: null, error: null });
    expect(event).toEqual({
      type: "stage",
      jobId: JOB,
      stageName: "login",
      startedAt: new Date(stage.startedAt),
      endedAt: new Date(stage.endedAt),
      status: "succeed",
      meta: null,
      error: null,
    });
  });

  it("takes the job's words succeeded and failed for a stage's succeed and fail", () => {
    expect(parseAuditEvent({ ...stage, status: "succeeded" })).toMatchObject({ status: "succeed" });
    expect(parseAuditEvent({ ...stage, status: "failed" })).toMatchObject({ status: "fail" });
  });

  it("refuses a finished stage whose end time is left out", () => {
    const { endedAt: _, ...withoutEnd } = stage;
    const hint = '(a stage stored without one is written "endedAt": null)';
    expect(refusal(withoutEnd)).toEqual([
      `endedAt: required: a stage whose status is succeed has finished, so it needs its end time ${hint}`,
    ]);
    expect(refusal({ ...withoutEnd, status: "failed" })).toEqual([
      `endedAt: required: a stage whose status is fail has finished, so it needs its end time ${hint}`,
    ]);
  });

  it('takes "endedAt": null as an end never recorded, as export writes such a stored stage', () => {
    expect(parseAuditEvent({ ...stage, endedAt: null })).toMatchObject({
      status: "succeed",
      endedAt: null,
    });
  });

  it("refuses a bad UUID", () => {
    expect(refusal({ ...accepted, jobId: "job-1" })).toEqual(["jobId: not a UUID"]);
  });

  it("refuses an unknown or missing event type", () => {
    expect(refusal({ ...accepted, type: "job.paused" })).toEqual([
      'type: unknown event type "job.paused" (expected one of job.accepted, job.started, stage, job.finished)',
    ]);
    expect(refusal({ jobId: JOB })).toEqual([
      "type: required (one of job.accepted, job.started, stage, job.finished)",
    ]);
  });

  it("refuses an unknown final state and an unknown stage status", () => {
    expect(refusal({ type: "job.finished", jobId: JOB, state: "done", at: accepted.at })).toEqual([
      "state: must be one of succeeded, failed, canceled",
    ]);
    expect(refusal({ ...stage, status: "ok" })).toEqual([
      "status: must be one of succeed, fail (a stage's words; the job's succeeded and failed are taken for them)",
    ]);
    expect(refusal({ ...stage, status: "canceled" })).toEqual([
      "status: must be one of succeed, fail (a stage's words; the job's succeeded and failed are taken for them)",
    ]);
  });

  it("refuses a missing or empty bot id", () => {
    const { botId: _, ...withoutBot } = accepted;
    expect(refusal(withoutBot)).toEqual(["botId: required"]);
    expect(refusal({ ...accepted, botId: "" })).toEqual(["botId: must not be empty"]);
    expect(refusal({ ...accepted, botId: 7 })).toEqual(["botId: must be a string"]);
  });

  it("refuses unparseable timestamps and timestamps without a zone", () => {
    const message = "not an ISO 8601 timestamp with a time zone (e.g. 2024-05-01T12:00:00.000Z)";
    expect(refusal({ ...accepted, at: "yesterday" })).toEqual([`at: ${message}`]);
    expect(refusal({ ...accepted, at: "24h" })).toEqual([`at: ${message}`]);
    expect(refusal({ ...accepted, at: "2024-01-15" })).toEqual([`at: ${message}`]);
    expect(refusal({ ...accepted, at: "2024-01-15T10:00:00" })).toEqual([`at: ${message}`]);
    expect(refusal({ ...accepted, at: "2024-02-30T10:00:00Z" })).toEqual([`at: ${message}`]);
    expect(refusal({ ...accepted, at: 1705312800000 })).toEqual([`at: ${message}`]);
    expect(refusal({ type: "job.started", jobId: JOB })).toEqual(["at: required"]);
  });

  it("refuses a stage that ends before it starts", () => {
    expect(refusal({ ...stage, endedAt: "2024-01-15T10:00:59.999Z" })).toEqual([
      "endedAt: before startedAt (2024-01-15T10:01:00.000Z)",
    ]);
  });

  it("refuses a stage longer than an INTEGER duration_ms holds, and takes the longest that fits", () => {
    const startedAt = new Date(stage.startedAt);
    const longest = new Date(startedAt.getTime() + MAX_DURATION_MS);
    expect(parseAuditEvent({ ...stage, endedAt: longest.toISOString() })).toMatchObject({
      endedAt: longest,
    });
    const tooLong = new Date(startedAt.getTime() + MAX_DURATION_MS + 1);
    expect(refusal({ ...stage, endedAt: tooLong.toISOString() })).toEqual([
      `endedAt: lasts ${MAX_DURATION_MS + 1} ms, more than duration_ms holds (${MAX_DURATION_MS} ms, about 24.8 days)`,
    ]);
  });

  it("refuses JSON columns that are not objects, and incomplete createdBy", () => {
    expect(refusal({ ...accepted, meta: [1, 2] })).toEqual(["meta: must be a JSON object"]);
    expect(refusal({ ...accepted, createdBy: { name: "ana" } })).toEqual([
      "createdBy.role: required",
      "createdBy.at: required",
    ]);
  });

  it("refuses NUL characters, which PostgreSQL cannot store", () => {
    const message = "contains a NUL character (\\u0000), which PostgreSQL cannot store";
    expect(refusal({ ...accepted, botId: "bot\u0000" })).toEqual([`botId: ${message}`]);
    expect(refusal({ ...accepted, meta: { note: "a\u0000b" } })).toEqual([`meta: ${message}`]);
  });

  it("names the place in a JSON column that holds what JSON cannot", () => {
    expect(refusal({ ...accepted, meta: { when: new Date(0) } })).toEqual([
      "meta.when: not a JSON value (a Date)",
    ]);
    expect(refusal({ ...accepted, meta: { ratio: Number.NaN } })).toEqual([
      "meta.ratio: not a JSON value (NaN)",
    ]);
    expect(refusal({ ...accepted, meta: { steps: [1, { run: () => 1 }] } })).toEqual([
      "meta.steps.1.run: not a JSON value (a function)",
    ]);
    expect(refusal({ ...accepted, meta: { missing: undefined } })).toEqual([
      "meta.missing: not a JSON value (undefined)",
    ]);
    expect(refusal({ ...accepted, meta: new Map() })).toEqual(["meta: must be a JSON object"]);
  });

  it("describes a type it cannot print as JSON instead of failing", () => {
    expect(refusal({ ...accepted, type: 10n })).toEqual([
      "type: unknown event type 10 (expected one of job.accepted, job.started, stage, job.finished)",
    ]);
  });

  it("refuses unknown fields rather than dropping them", () => {
    expect(refusal({ ...accepted, errorMesage: "typo" })).toEqual([
      "errorMesage: not a field of this event",
    ]);
  });

  it("refuses values that are not objects", () => {
    expect(refusal([accepted])).toEqual(["event: not a JSON object"]);
    expect(refusal("job.accepted")).toEqual(["event: not a JSON object"]);
  });

  it("names every field at fault in one message", () => {
    const result = safeParseAuditEvent({ type: "job.started", jobId: "x", at: "soon" });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.message).toBe(
        "jobId: not a UUID; at: not an ISO 8601 timestamp with a time zone (e.g. 2024-05-01T12:00:00.000Z)",
      );
      expect(result.error.field).toBe("jobId");
    }
  });
});

/** `levels` objects nested in each other, the innermost holding `leaf`. */
function nested(levels: number, leaf: unknown = 1): Record<string, unknown> {
  let value: unknown = leaf;
  for (let level = 1; level < levels; level++) value = { a: value };
  return { a: value };
}

describe("event limits", () => {
  it("takes names of 200 characters, counted as PostgreSQL counts them, and refuses longer", () => {
    expect(MAX_JSON_DEPTH).toBe(64);
    expect(parseAuditEvent({ ...accepted, botId: "b".repeat(200) })).toMatchObject({
      botId: "b".repeat(200),
    });
    // 200 characters outside the BMP are 400 UTF-16 units: still 200 characters.
    expect(parseAuditEvent({ ...stage, stageName: "🤖".repeat(200) })).toMatchObject({
      stageName: "🤖".repeat(200),
    });
    expect(refusal({ ...accepted, botId: "b".repeat(3000) })).toEqual([
      "botId: 3000 characters, longer than the 200 a name may have",
    ]);
    expect(refusal({ ...stage, stageName: "🤖".repeat(201) })).toEqual([
      "stageName: 201 characters, longer than the 200 a name may have",
    ]);
  });

  it("takes JSON 64 levels deep and refuses 65, naming where, without overflowing on 4,500", () => {
    expect(parseAuditEvent({ ...accepted, meta: nested(64) }).type).toBe("job.accepted");
    const path = `meta${".a".repeat(64)}`;
    expect(refusal({ ...accepted, meta: nested(65) })).toEqual([
      `${path}: nested deeper than 64 levels`,
    ]);
    // The line of the issue: ~4,500 levels made "Maximum call stack size exceeded".
    const deep = JSON.parse(`{"a":${"[".repeat(4500)}${"]".repeat(4500)}}`);
    expect(refusal({ ...stage, error: deep })).toEqual([
      `error.a${".0".repeat(63)}: nested deeper than 64 levels`,
    ]);
    // Arrays count as levels too, and deep values in createdBy are no strings.
    expect(
      refusal({ ...accepted, createdBy: { name: nested(5000), role: "x", at: accepted.at } }),
    ).toEqual(["createdBy.name: must be a string"]);
  });

  it("still finds the first fault in document order", () => {
    expect(
      refusal({
        ...accepted,
        meta: { ok: [1, { fine: true }], bad: [null, Number.POSITIVE_INFINITY] },
      }),
    ).toEqual(["meta.bad.1: not a JSON value (Infinity)"]);
  });

  it("refuses a recorder's event over 1 MB as JSON, and takes one just under", () => {
    expect(MAX_EVENT_BYTES).toBe(1024 * 1024);
    const input = (padding: number) => ({ ...accepted, meta: { note: "x".repeat(padding) } });
    const overhead = Buffer.byteLength(JSON.stringify(parseWith(jobAcceptedEventSchema, input(0))));
    expect(parseWith(jobAcceptedEventSchema, input(MAX_EVENT_BYTES - overhead)).botId).toBe(
      "bot-a",
    );
    expect(() => parseWith(jobAcceptedEventSchema, input(MAX_EVENT_BYTES - overhead + 1))).toThrow(
      `event: ${MAX_EVENT_BYTES + 1} bytes as JSON, more than an event may take (${MAX_EVENT_BYTES})`,
    );
  });
});
