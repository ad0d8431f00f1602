import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, type TestDatabase } from "@forusbots/db/testing";
import { MAX_EVENT_BYTES } from "@forusbots/queries";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliRun, runCli } from "./cli-process.ts";

/** What a bot put in the meta of every poison line: it must never be printed. */
const SECRET = "s3cret-token-in-poison-meta";
const AT = "2026-03-01T10:00:00Z";
const LATER = "2026-03-01T10:00:05Z";
const END = "2026-03-01T10:01:00Z";

const line = (event: object) => Buffer.from(JSON.stringify(event), "utf8");

/**
 * An acceptance whose meta nests `levels` objects, written as text: JSON.stringify itself
 * overflows the stack on such a value.
 */
const deepLine = (levels: number) =>
  Buffer.from(
    `{"type":"job.accepted","jobId":"${randomUUID()}","botId":"deep-bot","at":"${AT}","meta":${'{"a":'.repeat(levels)}"${SECRET}"${"}".repeat(levels)}}`,
  );

/** `line N: reason` lines of stderr, by line number. */
function rejectionsOf(stderr: string): Map<number, string> {
  const rejections = new Map<number, string>();
  for (const match of stderr.matchAll(/^line (\d+): (.*)$/gm)) {
    rejections.set(Number(match[1]), match[2] ?? "");
  }
  return rejections;
}

function expectNoPayloadShown(run: CliRun): void {
  expect(run.stdout + run.stderr).not.toContain(SECRET);
  expect(run.stderr).not.toContain("params:");
  expect(run.stderr).not.toContain("Failed query");
}

describe("ingest of a file mixing poison lines with good ones", () => {
  let database: TestDatabase;
  let folder: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    folder = mkdtempSync(join(tmpdir(), "forus-audit-poison-"));
  });
  afterAll(async () => {
    rmSync(folder, { recursive: true, force: true });
    await database?.dispose();
  });

  async function count(query: ReturnType<typeof sql>): Promise<number> {
    const handle = await database.open({ maxConnections: 1 });
    try {
      const [row] = await handle.query<{ n: number }>(query);
      return row?.n ?? -1;
    } finally {
      await handle.close();
    }
  }

  it("exits 1, names each poison line with its reason, stores every good line", async () => {
    const good = randomUUID();
    const other = randomUUID();
    const meta = { token: SECRET };
    const lines: Buffer[] = [
      // 1: good, after a UTF-8 byte order mark, which is no part of the line.
      Buffer.concat([
        Buffer.from([0xef, 0xbb, 0xbf]),
        line({ type: "job.accepted", jobId: good, botId: "good-bot", at: AT, meta }),
      ]),
      // 2: a bot id of 3,000 characters, past what the index takes.
      line({ type: "job.accepted", jobId: randomUUID(), botId: "b".repeat(3000), at: AT, meta }),
      // 3: good
      line({ type: "job.started", jobId: good, at: LATER }),
      // 4: a stage name of 3,000 characters.
      line({
        type: "stage",
        jobId: good,
        stageName: "s".repeat(3000),
        startedAt: LATER,
        endedAt: END,
        status: "succeed",
        meta,
      }),
      // 5: meta nested 4,500 levels (~27 KB): the stack overflow of the issue.
      deepLine(4500),
      // 6: good
      line({
        type: "stage",
        jobId: good,
        stageName: "login",
        startedAt: LATER,
        endedAt: END,
        status: "succeed",
        meta,
      }),
      // 7: bytes that are no UTF-8 text inside a string.
      Buffer.concat([
        Buffer.from(`{"type":"job.accepted","jobId":"${randomUUID()}","botId":"bad-`),
        Buffer.from([0xc3, 0x28, 0xff]),
        Buffer.from(`","at":"${AT}","meta":{"token":"${SECRET}"}}`),
      ]),
      // 8: a line of 2 MB, over the 1 MB a line may be by default.
      line({
        type: "job.accepted",
        jobId: randomUUID(),
        botId: "big-bot",
        at: AT,
        meta: { token: SECRET, blob: "x".repeat(2 * 1024 * 1024) },
      }),
      // 9, 10: good
      line({ type: "job.finished", jobId: good, state: "succeeded", at: END, result: meta }),
      line({ type: "job.accepted", jobId: other, botId: "other-bot", at: AT }),
    ];
    const file = join(folder, "mixed.jsonl");
    writeFileSync(file, Buffer.concat(lines.flatMap((bytes) => [bytes, Buffer.from("\n")])));

    for (const verbose of [[], ["--verbose"]]) {
      const run = await runCli(["ingest", file, "--json", ...verbose], { env: database.env });
      expect(run.status).toBe(1);
      const rejections = rejectionsOf(run.stderr);
      expect([...rejections.keys()]).toEqual([2, 4, 5, 7, 8]);
      expect(rejections.get(2)).toBe("botId: 3000 characters, longer than the 200 a name may have");
      expect(rejections.get(4)).toBe(
        "stageName: 3000 characters, longer than the 200 a name may have",
      );
      expect(rejections.get(5)).toBe(`meta${".a".repeat(64)}: nested deeper than 64 levels`);
      expect(rejections.get(7)).toBe("not valid UTF-8 text");
      expect(rejections.get(8)).toBe(
        `${(lines[7]?.length ?? 0).toString()} bytes, longer than a line may be (1048576 bytes; --max-line-bytes)`,
      );
      expectNoPayloadShown(run);
    }
    // The second run found the good lines stored by the first.
    expect(await count(sql`SELECT count(*)::int AS n FROM jobs`)).toBe(2);
    expect(
      await count(sql`
        SELECT count(*)::int AS n FROM jobs
        WHERE job_id = ${good} AND state = 'succeeded' AND bot_id = 'good-bot'
          AND meta = ${JSON.stringify(meta)}::jsonb AND result = ${JSON.stringify(meta)}::jsonb`),
    ).toBe(1);
    expect(
      await count(sql`SELECT count(*)::int AS n FROM job_stages WHERE stage_name = 'login'`),
    ).toBe(1);
  });

  it("--max-line-bytes takes a longer line when told, and --help gives the default", async () => {
    const jobId = randomUUID();
    const big = line({
      type: "job.accepted",
      jobId,
      botId: "big-bot",
      at: AT,
      meta: { blob: "y".repeat(2 * 1024 * 1024) },
    });
    const file = join(folder, "big.jsonl");
    writeFileSync(file, big);
    const refused = await runCli(["ingest", file], { env: database.env });
    expect(refused.status).toBe(1);
    const taken = await runCli(["ingest", file, "--max-line-bytes", String(4 * 1024 * 1024)], {
      env: database.env,
    });
    expect(taken.stderr).toBe("");
    expect(taken.status).toBe(0);
    expect(await count(sql`SELECT count(*)::int AS n FROM jobs WHERE job_id = ${jobId}`)).toBe(1);

    const help = await runCli(["ingest", "--help"]);
    expect(help.stdout).toContain(`(default ${MAX_EVENT_BYTES})`);
  });

  it("refuses a 50 MB line without a newline at once, under a 64 MB heap", async () => {
    const file = join(folder, "one-long-line.jsonl");
    const out = createWriteStream(file);
    const chunk = Buffer.alloc(1024 * 1024, 0x78);
    for (let n = 0; n < 50; n++) if (!out.write(chunk)) await once(out, "drain");
    out.end();
    await once(out, "finish");
    const started = performance.now();
    const run = await runCli(["ingest", file], {
      env: { ...database.env, NODE_OPTIONS: "--max-old-space-size=64" },
    });
    const seconds = (performance.now() - started) / 1000;
    expect(run.status).toBe(1);
    expect(rejectionsOf(run.stderr)).toEqual(
      new Map([
        [
          1,
          `${50 * 1024 * 1024} bytes, longer than a line may be (1048576 bytes; --max-line-bytes)`,
        ],
      ]),
    );
    // 20 s and 500 MB before; reading 50 MB and starting the CLI take well under this.
    expect(seconds).toBeLessThan(15);
  });

  it("stores 280 events of 1 MB with the default batch size, batches cut by bytes", async () => {
    // 280 MB in one batch would pass PostgreSQL's 256 MB for one jsonb value; the heap cap
    // also proves the batches are cut by size (holding the file's lines would take 280 MB).
    const events = 280;
    const file = join(folder, "large-events.jsonl");
    const out = createWriteStream(file);
    const blob = "z".repeat(MAX_EVENT_BYTES - 200);
    const jobIds: string[] = [];
    for (let n = 0; n < events; n++) {
      const jobId = randomUUID();
      jobIds.push(jobId);
      const text = `${JSON.stringify({ type: "job.accepted", jobId, botId: "large-bot", at: AT, meta: { blob } })}\n`;
      if (!out.write(text)) await once(out, "drain");
    }
    out.end();
    await once(out, "finish");
    const run = await runCli(["ingest", file, "--json"], {
      env: { ...database.env, NODE_OPTIONS: "--max-old-space-size=192" },
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ events, stored: events, rejected: 0 });
    expect(
      await count(sql`SELECT count(*)::int AS n FROM jobs WHERE bot_id = 'large-bot'
        AND length(meta->>'blob') = ${blob.length}`),
    ).toBe(events);
  }, 180_000);
});
