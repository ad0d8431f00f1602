import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./cli-process.ts";

// A mistyped AUDIT_DB_PATH must not become a new empty database at the wrong place.
describe("the embedded database's path", () => {
  const scratch = mkdtempSync(join(tmpdir(), "embedded-path-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it.each([["timeline"], ["recent"], ["status"], ["check"]])(
    "`%s` on a path with no database says so and creates nothing",
    async (command) => {
      const missing = join(scratch, "typo", "audit-db");
      const run = await runCli([command], { env: { AUDIT_DB_PATH: missing } });
      expect(run.status).toBe(4);
      expect(run.stderr).toContain(`there is no embedded database at ${missing}`);
      expect(run.stderr).toContain("pnpm db:migrate");
      expect(existsSync(join(scratch, "typo"))).toBe(false);
    },
  );

  it("memory:// is an in-memory database, not a folder named `memory:`", async () => {
    const run = await runCli(["status", "--json"], {
      env: { AUDIT_DB_PATH: "memory://" },
      cwd: scratch,
    });
    // A new in-memory database has every migration pending: status exits 4 and says so.
    expect(run.status).toBe(4);
    const status = JSON.parse(run.stdout) as { applied: unknown[]; pending: unknown[] };
    expect(status.applied).toEqual([]);
    expect(status.pending.length).toBeGreaterThan(0);
    expect(existsSync(join(scratch, "memory:"))).toBe(false);
  });
});
