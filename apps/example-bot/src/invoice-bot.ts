import type { AuditRecorder } from "@forusbots/queries";

/** Where the simulated portal fails, to show what a failed job looks like in the audit trail. */
export const FAILURE_POINTS = ["login", "submit"] as const;
export type FailurePoint = (typeof FAILURE_POINTS)[number];

export interface InvoiceBotOptions {
  /** How many invoices the portal lists. */
  invoices: number;
  failAt?: FailurePoint | undefined;
  /** Told the minted job id before the work starts, e.g. for the bot's own log lines. */
  onJob?: (jobId: string) => void;
}

export interface InvoiceBotResult {
  submitted: number;
  invoices: string[];
}

/** Stands in for the network: a bot's stages wait on something. */
const portalDelay = () => new Promise((resolve) => setTimeout(resolve, 5));

/**
 * An invoice bot, the way a bot is written with the recorder's job wrapper: one `audit.job`,
 * one `job.stage` per step. The wrapper records the job, every stage's timing and outcome, and
 * the finish; the bot only does its work, and its errors reach its caller as it threw them.
 */
export function runInvoiceBot(
  audit: AuditRecorder,
  options: InvoiceBotOptions,
): Promise<InvoiceBotResult> {
  return audit.job(
    { botId: "example-invoice-bot", meta: { invoices: options.invoices } },
    async (job) => {
      options.onJob?.(job.id);
      await job.stage("login", async () => {
        await portalDelay();
        if (options.failAt === "login") throw new Error("portal refused the login");
      });
      const invoices = await job.stage(
        "fetch-invoices",
        async () => {
          await portalDelay();
          return Array.from({ length: options.invoices }, (_, index) => `INV-${index + 1}`);
        },
        { meta: { expected: options.invoices } },
      );
      await job.stage("submit", async () => {
        await portalDelay();
        if (options.failAt === "submit" && invoices.length > 0) {
          throw new Error(`portal rejected ${invoices[invoices.length - 1]}`);
        }
      });
      return { submitted: invoices.length, invoices };
    },
  );
}
