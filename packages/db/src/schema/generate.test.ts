import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runProcess } from "../testing/index.ts";

const packageDir = fileURLToPath(new URL("../..", import.meta.url));

describe("schema.ts and the migrations agree", () => {
  // drizzle-kit writes into --out, so it diffs against a copy; inside the package because
  // drizzle-kit takes --out relative to the working directory.
  const scratch = mkdtempSync(join(packageDir, "node_modules", ".generate-check-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it("generating again produces no new migration", async () => {
    const out = join(scratch, "migrations");
    cpSync(join(packageDir, "migrations"), out, { recursive: true });
    const before = readdirSync(out).sort();
    const { status, stdout, stderr } = await runProcess(
      join(packageDir, "node_modules", ".bin", "drizzle-kit"),
      [
        "generate",
        "--dialect",
        "postgresql",
        "--schema",
        "./src/schema/index.ts",
        "--out",
        `./${out.slice(packageDir.length).replace(/^\//, "")}`,
      ],
      { cwd: packageDir },
    );
    expect(status, stderr).toBe(0);
    expect(stdout).toContain("No schema changes");
    expect(readdirSync(out).sort()).toEqual(before);
  });
});
