import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { bundle } from "./bundle.ts";

/** A package with an entry, a dynamically imported module and a CommonJS dependency. */
const FIXTURE: Record<string, string> = {
  "src/main.ts": [
    'import { platformName } from "cjs-dep";',
    'import { greeting } from "./greeting.ts";',
    "console.log(greeting, platformName.length > 0);",
    'const { later } = await import("./later.ts");',
    "console.log(later);",
  ].join("\n"),
  "src/greeting.ts": 'export const greeting: string = "hello";\n',
  "src/later.ts": 'export const later = "loaded on demand";\n',
  "node_modules/cjs-dep/package.json": '{ "name": "cjs-dep", "version": "1.0.0" }\n',
  "node_modules/cjs-dep/index.js": 'exports.platformName = require("node:os").platform();\n',
};

let packageDir: string;

function write(file: string, text: string): void {
  const path = join(packageDir, file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

const build = () => bundle({ packageDir, entries: { main: "src/main.ts" }, external: [] });

const run = () =>
  spawnSync(process.execPath, [join(packageDir, "dist", "main.js")], {
    cwd: packageDir,
    encoding: "utf8",
  });

/** The chunk files of one dynamically imported module, e.g. later-<hash>.js for src/later.ts. */
const chunksOf = (module: string) =>
  readdirSync(join(packageDir, "dist", "chunks")).filter((file) =>
    new RegExp(`^${module}-\\w+\\.js$`).test(file),
  );

describe("bundle", () => {
  beforeAll(async () => {
    packageDir = mkdtempSync(join(tmpdir(), "forusbots-bundle-test-"));
    for (const [file, text] of Object.entries(FIXTURE)) write(file, text);
    await build();
  });
  afterEach(() => {
    for (const [file, text] of Object.entries(FIXTURE)) write(file, text);
  });
  afterAll(() => rmSync(packageDir, { recursive: true, force: true }));

  it("writes an ES module plain node runs, a dynamic import in a file of its own", () => {
    const outcome = run();
    expect(outcome.stderr).toBe("");
    expect(outcome.stdout).toBe("hello true\nloaded on demand\n");
    expect(chunksOf("later")).toHaveLength(1);
  });

  it("replaces its own chunks and keeps what else the package built into dist/", async () => {
    write("dist/index.js", "export const compiledLibrary = true;\n");
    const [oldChunk] = chunksOf("later");
    write("src/later.ts", 'export const later = "loaded on demand, changed";\n');
    await build();
    expect(run().stdout).toBe("hello true\nloaded on demand, changed\n");
    const chunks = chunksOf("later");
    expect(chunks).toHaveLength(1);
    expect(chunks).not.toContain(oldChunk);
    expect(readdirSync(join(packageDir, "dist"))).toContain("index.js");
    write("src/later.ts", FIXTURE["src/later.ts"] ?? "");
    await build();
  });

  const changes: [string, () => void, RegExp][] = [
    [
      "a source changed",
      () => write("src/greeting.ts", 'export const greeting: string = "hi";\n'),
      /src\/greeting\.ts changed since the build/,
    ],
    [
      "a source is gone",
      () => rmSync(join(packageDir, "src/later.ts")),
      /src\/later\.ts is missing/,
    ],
    [
      "a dependency was upgraded",
      () =>
        write("node_modules/cjs-dep/package.json", '{ "name": "cjs-dep", "version": "1.0.1" }\n'),
      /node_modules\/cjs-dep\/package\.json changed since the build/,
    ],
  ];
  it.each(changes)("refuses to run once %s, in one line naming pnpm build", (_, change, why) => {
    change();
    const outcome = run();
    expect(outcome.status).toBe(2);
    expect(outcome.stdout).toBe("");
    expect(outcome.stderr.trim().split("\n")).toHaveLength(1);
    expect(outcome.stderr).toMatch(why);
    expect(outcome.stderr).toContain("dist/main.js is out of date");
    expect(outcome.stderr).toContain("run `pnpm build`");
  });

  it("runs when a source was rewritten with the same content, as a checkout does", () => {
    write("src/greeting.ts", FIXTURE["src/greeting.ts"] ?? "");
    expect(run().stdout).toBe("hello true\nloaded on demand\n");
  });

  it("runs again once rebuilt", async () => {
    write("src/greeting.ts", 'export const greeting: string = "hi";\n');
    expect(run().status).toBe(2);
    await build();
    expect(run().stdout).toBe("hi true\nloaded on demand\n");
  });
});
