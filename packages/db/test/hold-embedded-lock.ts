/**
 * A process of its own that locks the embedded directory named by its argument, prints `locked`
 * (or the error's message), and releases the lock when a line arrives on its standard input.
 * Run by embedded-lock.test.ts, with `node --conditions=@forusbots/source --import tsx`.
 */
import { createInterface } from "node:readline";
import { lockEmbeddedDirectory } from "../src/client/embedded-lock.ts";

const dataDir = process.argv[2] ?? "";
try {
  const unlock = await lockEmbeddedDirectory(dataDir);
  process.stdout.write("locked\n");
  const lines = createInterface({ input: process.stdin });
  for await (const _ of lines) break;
  unlock();
  process.stdout.write("released\n");
  lines.close();
} catch (error) {
  process.stdout.write(`${(error as Error).message}\n`);
  process.exitCode = 3;
}
