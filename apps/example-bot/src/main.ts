import { parseArgs } from "node:util";
import { describeFailure, loadConfig, UsageError } from "@forusbots/db";
import { openAuditRecorder } from "@forusbots/queries";
import { FAILURE_POINTS, type FailurePoint, runInvoiceBot } from "./invoice-bot.js";

const USAGE = `usage: example-bot [--invoices N] [--fail-at ${FAILURE_POINTS.join("|")}]`;

function parseOptions(args: string[]): { invoices: number; failAt: FailurePoint | undefined } {
  let values: { invoices?: string | undefined; "fail-at"?: string | undefined };
  try {
    ({ values } = parseArgs({
      args,
      options: { invoices: { type: "string" }, "fail-at": { type: "string" } },
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
  const invoices = Number(values.invoices ?? "3");
  if (!Number.isInteger(invoices) || invoices < 0 || invoices > 1000) {
    throw new UsageError(`--invoices: a whole number from 0 to 1000, got "${values.invoices}"`);
  }
  const failAt = values["fail-at"];
  if (failAt !== undefined && !(FAILURE_POINTS as readonly string[]).includes(failAt)) {
    throw new UsageError(`--fail-at: one of ${FAILURE_POINTS.join(", ")}, got "${failAt}"`);
  }
  return { invoices, failAt: failAt as FailurePoint | undefined };
}

/**
 * Runs the invoice bot once against the configured audit database (DATABASE_URL, else the
 * embedded one; recorded only with AUDIT_DB=1). Prints one JSON line: the job's id and outcome.
 * Exit 0 when the job succeeded, 1 when the bot's work failed, the project's codes otherwise.
 */
async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const audit = await openAuditRecorder(loadConfig(), {
    // What a bot runner logs: the recorder spooling, flushing, leaving events on disk.
    onEvent: (event) => process.stderr.write(`audit: ${JSON.stringify(event)}\n`),
  });
  let jobId = "";
  try {
    const result = await runInvoiceBot(audit, {
      ...options,
      onJob: (id) => {
        jobId = id;
      },
    });
    process.stdout.write(`${JSON.stringify({ jobId, state: "succeeded", result })}\n`);
    return 0;
  } catch (error) {
    if (jobId === "") throw error;
    // The bot's own failure, already recorded by the wrapper: reported, not a crash.
    const message = error instanceof Error ? error.message : String(error);
    process.stdout.write(`${JSON.stringify({ jobId, state: "failed", error: message })}\n`);
    return 1;
  } finally {
    await audit.close();
  }
}

main().then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    const { message, exitCode } = describeFailure(error);
    process.stderr.write(`example-bot: ${message}\n`);
    process.exitCode = exitCode;
  },
);
