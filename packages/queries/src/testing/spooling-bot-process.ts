/**
 * A bot in a process of its own, for the `kill -9` test: opens the recorder exactly as a bot
 * does (`openAuditRecorder(loadConfig())`, from the environment), records `argv[2]` whole jobs
 * as `argv[3]`, prints one JSON line (what it finished, every call's outcome) and then keeps
 * running, its recorder open, until it is killed.
 * Run: node --conditions=@forusbots/source --import tsx spooling-bot-process.ts <jobs> <botId>
 */
import { loadConfig } from "@forusbots/db";
import { openAuditRecorder } from "../recorder/recorder.ts";
import { runBot } from "./test-bot.ts";

const audit = await openAuditRecorder(loadConfig());
const run = await runBot(audit, process.argv[3] ?? "bot-child", { jobs: Number(process.argv[2]) });
process.stdout.write(
  `${JSON.stringify({ finished: run.finished, outcomes: run.outcomes, errors: run.errors.length })}\n`,
);
setInterval(() => {}, 60_000);
