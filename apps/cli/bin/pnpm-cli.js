#!/usr/bin/env node
// `pnpm cli …` at the repository root runs this file. There is deliberately no root script named
// `cli`: pnpm prints a banner ("> forusbots-audit@ cli …") on stdout before every script, which
// would corrupt `pnpm cli recent --json | jq` and `pnpm cli export > events.jsonl`. For a name that
// is no script pnpm runs the workspace bin of that name instead, silently. Like the other root
// commands, it first brings the bundle up to date through turbo, whose report is shown only when
// the build fails (on stderr: stdout belongs to the command).
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const build = spawnSync(
  "turbo",
  ["run", "build", "--filter=@forusbots/cli", "--output-logs=errors-only"],
  { cwd: root, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" },
);
if (build.error !== undefined || build.status !== 0) {
  process.stderr.write(`${build.stdout ?? ""}${build.stderr ?? ""}`);
  console.error(
    `forus-audit: building the CLI failed${build.error ? ` (${build.error.message})` : ""}: run \`pnpm build\` to see why`,
  );
  process.exit(build.status ?? 1);
}
await import("./forus-audit.js");
