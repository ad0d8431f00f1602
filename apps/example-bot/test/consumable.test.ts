import { describe, expect, it } from "vitest";
import { runTsc, TSC_TIMEOUT_MS } from "./build-app.ts";

/** A file of the workspace's packages that tsc read, relative to the repository. */
const workspaceFile = /packages\/(db|queries)\/(src|dist)\/\S+/;

describe("the packages as a NodeNext application consumes them", () => {
  it(
    "type-check through their declarations, with no error in them even without skipLibCheck",
    async () => {
      // exactOptionalPropertyTypes is on in this app's tsconfig; --skipLibCheck false makes tsc check
      // every declaration file too. Third-party declarations (drizzle-orm's sqlite builders) have
      // errors of their own under it, which is why apps keep skipLibCheck: only ours must be clean.
      const run = await runTsc(["--noEmit", "--skipLibCheck", "false", "--listFiles"]);
      const lines = run.stdout.split("\n");
      const errors = lines.filter((line) => line.includes("error TS"));
      const ownErrors = errors.filter((line) => !line.includes("node_modules/.pnpm/"));
      expect(ownErrors).toEqual([]);

      const workspaceFiles = lines.flatMap((line) => workspaceFile.exec(line)?.[0] ?? []);
      expect(workspaceFiles).toContain("packages/queries/dist/index.d.ts");
      expect(workspaceFiles).toContain("packages/db/dist/index.d.ts");
      // Not one TypeScript source: a consumer never compiles the packages' code itself.
      expect(workspaceFiles.filter((file) => !file.endsWith(".d.ts"))).toEqual([]);
    },
    TSC_TIMEOUT_MS + 60_000,
  );
});
