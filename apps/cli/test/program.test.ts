import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runCli } from "./cli-process.ts";

describe("forus-audit as a program", () => {
  const { version } = JSON.parse(
    readFileSync(new URL("../package.json", import.meta.url), "utf8"),
  ) as { version: string };

  it.each([["--version"], ["-V"]])(
    "%s prints the version of its package.json, exit 0",
    async (flag) => {
      const run = await runCli([flag]);
      expect(run).toEqual({ status: 0, stdout: `${version}\n`, stderr: "" });
    },
  );

  it("status --help documents its exit statuses", async () => {
    const run = await runCli(["status", "--help"]);
    expect(run.status).toBe(0);
    expect(run.stdout.replaceAll("\n", " ")).toContain(
      "Exit status 0 when every migration is applied, 4 when some are pending",
    );
  });
});
