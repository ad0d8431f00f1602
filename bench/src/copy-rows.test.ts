import { describe, expect, it } from "vitest";
import { copyText, jobCopyLine, stageCopyLines } from "./copy-rows.ts";
import type { GeneratedJob } from "./generate-jobs.ts";

describe("COPY text format", () => {
  it("writes NULL as \\N", () => {
    expect(copyText(null)).toBe("\\N");
  });

  it("escapes backslash, tab, newline and carriage return", () => {
    expect(copyText("a\tb\nc\\d\re")).toBe("a\\tb\\nc\\\\d\\re");
  });

  it("leaves other text alone", () => {
    expect(copyText('{"code":"E1"} ünïcode')).toBe('{"code":"E1"} ünïcode');
  });

  const job: GeneratedJob = {
    jobId: "00000000-0000-4000-8000-000000000001",
    botId: "bot-01",
    state: "failed",
    acceptedAt: new Date("2025-10-01T00:00:00.000Z"),
    startedAt: new Date("2025-10-01T00:00:01.000Z"),
    finishedAt: new Date("2025-10-01T00:00:05.000Z"),
    meta: { priority: 2 },
    result: null,
    errorMessage: "line one\nline two",
    stages: [
      {
        stageName: "login",
        startedAt: new Date("2025-10-01T00:00:01.000Z"),
        endedAt: new Date("2025-10-01T00:00:04.000Z"),
        status: "fail",
        meta: { attempt: 1 },
        error: { code: "E_TIMEOUT" },
      },
    ],
  };

  it("writes a job as one line in the column order of JOB_COPY_COLUMNS", () => {
    expect(jobCopyLine(job)).toBe(
      `${[
        "00000000-0000-4000-8000-000000000001",
        "bot-01",
        "failed",
        "2025-10-01T00:00:00.000Z",
        "2025-10-01T00:00:01.000Z",
        "2025-10-01T00:00:05.000Z",
        '{"priority":2}',
        "\\N",
        "\\N",
        "line one\\nline two",
      ].join("\t")}\n`,
    );
  });

  it("writes each stage as one line in the column order of STAGE_COPY_COLUMNS", () => {
    expect(stageCopyLines(job)).toBe(
      `${[
        "00000000-0000-4000-8000-000000000001",
        "login",
        "2025-10-01T00:00:01.000Z",
        "2025-10-01T00:00:04.000Z",
        "fail",
        '{"attempt":1}',
        '{"code":"E_TIMEOUT"}',
      ].join("\t")}\n`,
    );
  });
});
