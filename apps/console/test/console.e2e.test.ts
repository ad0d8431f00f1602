import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { closedLoopbackPort, createTestDatabase, type TestDatabase } from "@forusbots/db/testing";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Browser, CHROMIUM, LAPTOP, openChromium, PHONE } from "./chromium.ts";
import {
  CONSOLE_DIR,
  consoleRefusal,
  type RunningConsole,
  startConsole,
} from "./console-process.ts";
import { insertKnownAuditData, JOB, UNKNOWN_JOB } from "./known-audit-data.ts";
import { screenshot } from "./page-checks.ts";

const MARCH = "from=2026-03-01&to=2026-03-07";

/** The text of each body row's cells, as shown. */
function tableRows(page: Page, selector: string): Promise<string[][]> {
  return page.$$eval(`${selector} tbody tr`, (rows) =>
    rows.map((row) =>
      Array.from((row as HTMLTableRowElement).cells, (cell) => (cell.textContent ?? "").trim()),
    ),
  );
}

/** A definition list as label → value pairs. */
function fields(page: Page, selector: string): Promise<Record<string, string>> {
  return page.$$eval(`${selector} .field`, (items) =>
    Object.fromEntries(
      items.map((item) => [
        (item.querySelector("dt")?.textContent ?? "").trim(),
        (item.querySelector("dd")?.textContent ?? "").trim(),
      ]),
    ),
  );
}

/** A GET as curl sends it, with the Host header and credentials given; status, headers, body. */
function rawGet(
  url: string,
  headers: Record<string, string>,
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        body += chunk;
      });
      response.on("end", () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
      );
    });
    request.on("error", reject);
    request.end();
  });
}

let laptop: Browser;
let phone: Browser;
/** What Chromium reported refusing under the Content-Security-Policy, on every page visited. */
const policyViolations: string[] = [];

// Without a browser these tests are reported as skipped, with the command that enables them.
const inChromium = describe.skipIf(!CHROMIUM.found);
if (!CHROMIUM.found) console.warn(`console browser tests skipped: ${CHROMIUM.reason}`);

beforeAll(async () => {
  if (!CHROMIUM.found) return;
  laptop = await openChromium(LAPTOP);
  phone = await openChromium(PHONE);
  for (const browser of [laptop, phone]) {
    browser.context.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) policyViolations.push(message.text());
    });
  }
}, 180_000);

describe("the built page", () => {
  it("has no inline script or handler, so the policy needs no 'unsafe-inline'", () => {
    const html = readFileSync(join(CONSOLE_DIR, "dist", "index.html"), "utf8");
    const scripts = html.match(/<script\b[^>]*>/gi) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toMatch(/\ssrc="\/assets\/[^"]+\.js"/);
    expect(html).not.toMatch(/<script\b[^>]*>[^<\s]/i);
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
    expect(html).not.toMatch(/javascript:/i);
  });
});

afterAll(async () => {
  await laptop?.close();
  await phone?.close();
});

inChromium("console in Chromium, on known data", () => {
  let database: TestDatabase;
  let server: RunningConsole;
  let page: Page;

  beforeAll(async () => {
    database = await createTestDatabase();
    const handle = await database.open();
    try {
      await insertKnownAuditData(handle.db);
    } finally {
      // The console process opens the database itself; PGlite allows one holder at a time.
      await handle.close();
    }
    server = await startConsole(database.env);
    page = await laptop.context.newPage();
  }, 120_000);

  afterAll(async () => {
    await page?.close();
    await server?.stop();
    await database?.dispose();
  });

  it("shows each bot's metrics, success rate and jobs per day", async () => {
    await page.goto(`${server.url}/?${MARCH}`);
    await page.waitForSelector("[data-testid=bot-metrics]");
    expect(await tableRows(page, "[data-testid=bot-metrics]")).toEqual([
      ["bulk-bot", "26", "0", "0", "—", "—", "—"],
      // 60, 120 and 30 s: average 70 s; p95 rank 1.9 over [30, 60, 120] → 114 s; 2 of 3 succeeded.
      ["invoice-bot", "3", "2", "1", "66.7%", "1 min 10 s", "1 min 54 s"],
      // One 240 s success; the canceled job stays out of the rate.
      ["report-bot", "3", "1", "0", "100.0%", "4 min 0 s", "4 min 0 s"],
    ]);
    const rateLabels = await page.$$eval(
      "[data-testid=success-rate-chart] .recharts-label-list text",
      (labels) => labels.map((label) => label.textContent),
    );
    // bulk-bot has no finished job, so no bar and no label.
    expect(rateLabels).toEqual(["66.7%", "100.0%"]);
    // Columns: day, then succeeded, failed, canceled, running, queued.
    expect(await tableRows(page, "[data-testid=jobs-per-day-table-invoice-bot]")).toEqual([
      ["2026-03-02", "2", "0", "0", "0", "0"],
      ["2026-03-03", "0", "1", "0", "0", "0"],
    ]);
    expect(await tableRows(page, "[data-testid=jobs-per-day-table-report-bot]")).toEqual([
      ["2026-03-03", "1", "0", "0", "0", "0"],
      ["2026-03-04", "0", "0", "1", "0", "1"],
    ]);
    expect(await tableRows(page, "[data-testid=jobs-per-day-table-bulk-bot]")).toEqual([
      ["2026-03-05", "0", "0", "0", "0", "26"],
    ]);
    // Each bot's axis runs over the whole range, 1 to 7 March (recharts may skip labels between).
    const ticks = await page.$$eval(
      "[data-testid=jobs-per-day-invoice-bot] .recharts-cartesian-axis-tick-value",
      (labels) =>
        labels.map((label) => label.textContent ?? "").filter((label) => label.endsWith(" Mar")),
    );
    expect(ticks[0]).toBe("1 Mar");
    expect(ticks.at(-1)).toBe("7 Mar");
    await screenshot(page, "bots.png");
  });

  it("clicks through bot → its jobs → a job → a stage", async () => {
    await page.goto(`${server.url}/?${MARCH}`);
    await page.click("[data-testid=bot-metrics] a:text-is('invoice-bot')");
    await page.waitForURL(`${server.url}/jobs?bot=invoice-bot`);
    await page.waitForSelector("[data-testid=recent-jobs]");
    // The last 30 days hold none of invoice-bot's jobs: the list opens on their span, 2–3 March.
    expect(await page.textContent("[data-testid=span-of-data]")).toContain("2 Mar to 3 Mar 2026");
    expect(await tableRows(page, "[data-testid=recent-jobs]")).toEqual([
      [
        "3 Mar 2026, 11:00:00 UTC",
        "invoice-bot",
        "failed",
        "30.0 s",
        "2",
        "33333333",
        "portal rejected the upload",
      ],
      ["2 Mar 2026, 10:00:00 UTC", "invoice-bot", "succeeded", "2 min 0 s", "3", "22222222", ""],
      ["2 Mar 2026, 09:00:00 UTC", "invoice-bot", "succeeded", "1 min 0 s", "3", "11111111", ""],
    ]);
    await screenshot(page, "jobs-invoice-bot.png");

    await page.click("[data-testid=recent-jobs] a:text-is('33333333')");
    await page.waitForURL(`${server.url}/jobs/${JOB.J3}`);
    await page.waitForSelector("[data-testid=job-fields]");
    expect(await fields(page, "[data-testid=job-fields]")).toEqual({
      Bot: "invoice-bot",
      State: "failed",
      Accepted: "3 Mar 2026, 11:00:00 UTC",
      Started: "3 Mar 2026, 11:00:00 UTC",
      Finished: "3 Mar 2026, 11:00:30 UTC",
      Duration: "30.0 s",
      Stages: "2",
    });
    expect(await page.textContent("[data-testid=job-error]")).toContain(
      "portal rejected the upload",
    );
    expect(await fields(page, "[data-testid=created-by]")).toEqual({
      Name: "Grace",
      Role: "scheduler",
      At: "3 Mar 2026, 10:59:00 UTC",
    });
    expect(await fields(page, "[data-testid=job-meta]")).toEqual({
      customer: "globex",
      pages: "12",
    });
    const result = await fields(page, "[data-testid=job-result]");
    expect(result.partial).toBe("true");
    expect(JSON.parse(result.parsed ?? "null")).toEqual({ pages: 4 });
    const stages = await tableRows(page, "[data-testid=job-stages]");
    expect(stages.map((row) => row.slice(0, 4))).toEqual([
      ["fetch", "succeeded", "+0 ms", "6.0 s"],
      ["parse", "failed", "+6.0 s", "24.0 s"],
    ]);
    expect(stages[1]?.[4]).toContain("E_PARSE");
    expect(stages[1]?.[4]).toContain("unexpected end of file");
    // The timeline draws both stages, the failed one marked.
    expect(await page.locator("[data-testid=stage-timeline] .timeline-bar").count()).toBe(2);
    expect(await page.locator("[data-testid=stage-timeline] .timeline-bar-failed").count()).toBe(1);
    await screenshot(page, "job.png");

    // To the stage over the 30 days up to the job's day, 2 February to 3 March.
    await page.click("[data-testid=job-stages] a:text-is('parse')");
    await page.waitForURL(`${server.url}/stages?name=parse&from=2026-02-02&to=2026-03-03`);
    await page.waitForSelector("[data-testid=stage-summary]");
    // The first week of March holds every stage of the known data.
    await page.goto(`${server.url}/stages?name=parse&${MARCH}`);
    await page.waitForSelector("[data-testid=stage-summary]");
    expect(await tableRows(page, "[data-testid=stage-summary]")).toEqual([
      // [6, 10, 15, 41] s: average 18 s; p50 rank 1.5 → 12.5 s; p95 rank 2.85 → 15 + 0.85 × 26.
      ["fetch", "4", "0", "0.0%", "18.0 s", "12.5 s", "37.1 s"],
      // [24, 30, 60] s: average 38 s; p50 30 s; p95 rank 1.9 → 30 + 0.9 × 30; 1 of 3 failed.
      ["parse", "3", "1", "33.3%", "38.0 s", "30.0 s", "57.0 s"],
      // [20, 44] s: average and p50 32 s; p95 rank 0.95 → 20 + 0.95 × 24.
      ["upload", "2", "0", "0.0%", "32.0 s", "32.0 s", "42.8 s"],
    ]);
    expect(
      await page.getAttribute("[data-testid=stage-summary] tr[data-stage=parse]", "aria-current"),
    ).toBe("true");
    expect(
      await page.locator("[data-testid=stage-durations-chart] .recharts-bar-rectangle").count(),
    ).toBe(9);
    await screenshot(page, "stages.png");

    // Narrowed to report-bot: only J4's 41 s fetch.
    await page.selectOption("select[name=bot]", "report-bot");
    await page.waitForURL(`${server.url}/stages?name=parse&${MARCH}&bot=report-bot`);
    await page.waitForFunction(
      () => document.querySelectorAll("[data-testid=stage-summary] tbody tr").length === 1,
    );
    expect(await tableRows(page, "[data-testid=stage-summary]")).toEqual([
      ["fetch", "1", "0", "0.0%", "41.0 s", "41.0 s", "41.0 s"],
    ]);
  });

  it("pages further back through recent jobs and filters by state", async () => {
    await page.goto(`${server.url}/jobs`);
    await page.waitForSelector("[data-testid=recent-jobs]");
    const shownJobs = () =>
      page.$$eval("[data-testid=recent-jobs] tbody tr", (rows) =>
        rows.map((row) => row.getAttribute("data-job")),
      );
    // 32 jobs, 25 a page: the 25 newest are bulk jobs; the older page holds the other 7.
    expect(await shownJobs()).toHaveLength(25);
    // Per state, over the span 2–5 March: queued 26 bulk + J5; succeeded J1, J2, J4; failed
    // J3; canceled J6; none running.
    const counts = await page.$$eval("[data-testid=state-counts] button", (buttons) =>
      buttons.map((button) => [
        button.getAttribute("data-state"),
        button.querySelector(".state-count-value")?.textContent,
      ]),
    );
    expect(counts).toEqual([
      ["all", "32"],
      ["succeeded", "3"],
      ["failed", "1"],
      ["canceled", "1"],
      ["running", "0"],
      ["queued", "27"],
    ]);
    await screenshot(page, "jobs.png");
    await page.click("button:text-is('Load older jobs')");
    await page.waitForSelector("text=No older jobs");
    const all = await shownJobs();
    expect(all).toHaveLength(32);
    expect(all.slice(-6)).toEqual([JOB.J6, JOB.J5, JOB.J4, JOB.J3, JOB.J2, JOB.J1]);
    // The position is in the URL: a reload shows the same two pages.
    await page.waitForURL(`${server.url}/jobs?pages=2`);
    await page.reload();
    await page.waitForSelector("text=No older jobs");
    expect(await shownJobs()).toEqual(all);

    await page.click("[data-testid=state-counts] button[data-state=failed]");
    await page.waitForURL(`${server.url}/jobs?state=failed`);
    await page.waitForFunction(
      () => document.querySelectorAll("[data-testid=recent-jobs] tbody tr").length === 1,
    );
    expect(await shownJobs()).toEqual([JOB.J3]);
  });

  it("shows a 404 page for an unknown job id", async () => {
    await page.goto(`${server.url}/jobs/${UNKNOWN_JOB}`);
    const notFound = await page.waitForSelector("[data-testid=not-found]");
    const text = await notFound.textContent();
    expect(text).toContain("Job not found");
    expect(text).toContain(UNKNOWN_JOB);
    await screenshot(page, "job-not-found.png");
  });

  it("answers an unknown job's page with HTTP 404, a known one's with 200", async () => {
    const host = new URL(server.url).host;
    const unknown = await rawGet(`${server.url}/jobs/${UNKNOWN_JOB}`, { host });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toContain('<div id="root">');
    expect((await rawGet(`${server.url}/jobs/${JOB.J1}`, { host })).status).toBe(200);
  });

  it("refuses a request addressed to another host name (DNS rebinding) with 421", async () => {
    const port = new URL(server.url).port;
    for (const host of [`evil.example:${port}`, "evil.example", `localhost.evil.example:${port}`]) {
      for (const path of ["/api/status", "/api/bots", `/api/jobs/${JOB.J1}`, "/"]) {
        const answer = await rawGet(`${server.url}${path}`, { host });
        expect(answer.status, `${host} ${path}`).toBe(421);
        expect(answer.body).not.toContain("invoice-bot");
        expect(answer.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
      }
    }
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`]) {
      expect((await rawGet(`${server.url}/api/status`, { host })).status, host).toBe(200);
    }
  });

  it("sends the security headers with the page, its assets and the API", async () => {
    const host = new URL(server.url).host;
    const html = await rawGet(`${server.url}/`, { host });
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html.body)?.[1];
    expect(script).toBeDefined();
    for (const path of ["/", `${script}`, "/api/status", `/api/jobs/${UNKNOWN_JOB}`]) {
      const answer = await rawGet(`${server.url}${path}`, { host });
      expect(answer.headers["content-security-policy"], path).toContain("script-src 'self'");
      expect(answer.headers["content-security-policy"], path).not.toContain("unsafe-inline");
      expect(answer.headers["x-content-type-options"], path).toBe("nosniff");
      expect(answer.headers["x-frame-options"], path).toBe("DENY");
      expect(answer.headers["referrer-policy"], path).toBe("no-referrer");
    }
  });
});

inChromium("console in Chromium, on an empty database", () => {
  let database: TestDatabase;
  let server: RunningConsole;
  let page: Page;

  beforeAll(async () => {
    database = await createTestDatabase();
    server = await startConsole(database.env);
    page = await laptop.context.newPage();
  }, 120_000);

  afterAll(async () => {
    await page?.close();
    await server?.stop();
    await database?.dispose();
  });

  it.each([
    ["/", "No jobs in this range", "empty-bots.png"],
    ["/jobs", "No jobs recorded yet", "empty-jobs.png"],
    ["/stages", "No stages in this range", "empty-stages.png"],
  ])("%s says there is nothing yet", async (path, title, name) => {
    await page.goto(`${server.url}${path}`);
    const empty = await page.waitForSelector("[data-testid=empty-state]");
    expect(await empty.textContent()).toContain(title);
    expect(await empty.textContent()).toContain("pnpm cli seed");
    await screenshot(page, name);
  });
});

inChromium("console in Chromium, when the database is unreachable", () => {
  let server: RunningConsole;
  let page: Page;
  let where: string;

  beforeAll(async () => {
    // A loopback port nothing listens on: every connection is refused.
    where = `127.0.0.1:${await closedLoopbackPort()}`;
    server = await startConsole({ DATABASE_URL: `postgres://auditor:s3cret-pass@${where}/audit` });
    page = await laptop.context.newPage();
  }, 120_000);

  afterAll(async () => {
    await page?.close();
    await server?.stop();
  });

  it("keeps serving and says the database cannot be reached", async () => {
    for (const path of ["/", "/jobs", "/stages", `/jobs/${JOB.J1}`]) {
      await page.goto(`${server.url}${path}`);
      const error = await page.waitForSelector("[data-testid=error-state]");
      expect(await error.getAttribute("data-kind")).toBe("connection");
      expect(await error.textContent()).toContain("Cannot reach the audit database");
      expect(await error.textContent()).toContain(where);
    }
    expect(await page.content()).not.toContain("s3cret-pass");
    await screenshot(page, "unreachable.png");
  });
});

describe("console with credentials", () => {
  const TOKEN = "e2e-token-0123456789abcdef";
  let database: TestDatabase;
  let server: RunningConsole;

  beforeAll(async () => {
    database = await createTestDatabase();
    server = await startConsole({ ...database.env, CONSOLE_TOKEN: TOKEN });
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await database?.dispose();
  });

  it("answers only with the token: 401 and a challenge without it", async () => {
    const host = new URL(server.url).host;
    const refused = await rawGet(`${server.url}/api/status`, { host });
    expect(refused.status).toBe(401);
    expect(refused.headers["www-authenticate"]).toContain("Basic realm=");
    expect(refused.body).not.toContain("reachable");
    const wrong = await rawGet(`${server.url}/`, { host, authorization: `Bearer ${TOKEN}0` });
    expect(wrong.status).toBe(401);
    const bearer = await rawGet(`${server.url}/api/status`, {
      host,
      authorization: `Bearer ${TOKEN}`,
    });
    expect(bearer.status).toBe(200);
    expect(JSON.parse(bearer.body).reachable).toBe(true);
    const prompt = await rawGet(`${server.url}/`, {
      host,
      authorization: `Basic ${Buffer.from(`operator:${TOKEN}`).toString("base64")}`,
    });
    expect(prompt.status).toBe(200);
  });

  it.skipIf(!CHROMIUM.found)("opens in a browser that logs in with the token", async () => {
    const browser = await openChromium(LAPTOP, { username: "operator", password: TOKEN });
    try {
      const page = await browser.context.newPage();
      await page.goto(`${server.url}/jobs`);
      const empty = await page.waitForSelector("[data-testid=empty-state]");
      expect(await empty.textContent()).toContain("No jobs recorded yet");
    } finally {
      await browser.close();
    }
  });
});

describe("console told to listen beyond this machine", () => {
  it.each([
    ["0.0.0.0", {}],
    ["::", {}],
    ["192.0.2.10", { CONSOLE_USER: "auditor" }],
  ])("refuses HOST=%s without credentials, saying why", async (host, extra) => {
    const { code, output } = await consoleRefusal({ HOST: host, ...extra });
    expect(code).toBe(2);
    expect(output).toMatch(/console: (HOST=|CONSOLE_USER and CONSOLE_PASSWORD go together)/);
    if (Object.keys(extra).length === 0) {
      expect(output).toContain(`HOST=${host} would let other machines reach the console`);
      expect(output).toContain("CONSOLE_TOKEN");
    }
    expect(output).not.toContain("http://localhost");
  });
});

inChromium("the Content-Security-Policy in Chromium", () => {
  it("refused nothing the console's pages use, on every page visited above", () => {
    expect(policyViolations).toEqual([]);
  });
});
