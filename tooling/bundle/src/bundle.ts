import { rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";
import { recordSources, SOURCE_MANIFEST } from "./source-manifest.ts";

export interface BundleOptions {
  /**
   * The package's folder: entries are relative to it, and the bundles go to its dist/ (the chunks
   * they share to dist/chunks/), beside whatever else the package builds there, e.g. a library's
   * compiled modules.
   */
  packageDir: string;
  /** Bundle name (dist/<name>.js) → its entry module, e.g. `{ migrate: "src/bin/migrate.ts" }`. */
  entries: Record<string, string>;
  /** Packages Node loads from node_modules at run time instead of being copied into dist/. */
  external: string[];
}

const REQUIRE_FRESH = fileURLToPath(new URL("./require-fresh.ts", import.meta.url));

/** dist/'s subfolder for the chunks the entries share, which the bundler owns and empties. */
const CHUNK_FOLDER = "chunks";

/** esbuild namespace of the generated entries; their names in the metafile start with it. */
const ENTRY_NAMESPACE = "fresh-entry";

/** Each entry becomes a module that imports require-fresh.ts and then the real entry. */
function freshEntries(packageDir: string): Plugin {
  return {
    name: ENTRY_NAMESPACE,
    setup(build) {
      build.onResolve({ filter: new RegExp(`^${ENTRY_NAMESPACE}:`) }, (args) => ({
        path: args.path.slice(ENTRY_NAMESPACE.length + 1),
        namespace: ENTRY_NAMESPACE,
      }));
      build.onLoad({ filter: /.*/, namespace: ENTRY_NAMESPACE }, (args) => ({
        contents: `import ${JSON.stringify(REQUIRE_FRESH)};\nimport ${JSON.stringify(`./${args.path}`)};\n`,
        resolveDir: packageDir,
        loader: "js",
      }));
    },
  };
}

/**
 * Bundles `entries` into `<packageDir>/dist` as ES modules for Node 20, every dependency inlined
 * but `external`, and records what they were built from (see require-fresh.ts). Plain `node`
 * loads one bundle in a fraction of the time tsx takes to compile and load the same modules.
 */
export async function bundle(options: BundleOptions): Promise<void> {
  const outdir = join(options.packageDir, "dist");
  // Chunk names carry a content hash: without emptying their folder, old chunks would pile up.
  // Only the bundler's own outputs go: a library package compiles its modules into dist/ too.
  rmSync(join(outdir, CHUNK_FOLDER), { recursive: true, force: true });
  for (const name of Object.keys(options.entries)) {
    rmSync(join(outdir, `${name}.js`), { force: true });
  }
  const { metafile } = await build({
    absWorkingDir: options.packageDir,
    entryPoints: Object.entries(options.entries).map(([name, entry]) => ({
      in: `${ENTRY_NAMESPACE}:${entry}`,
      out: name,
    })),
    outdir,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // Each dynamic import stays a chunk of its own, loaded only when reached, as from source: a
    // PostgreSQL run never loads the PGlite driver, `--help` no database driver at all.
    splitting: true,
    chunkNames: `${CHUNK_FOLDER}/[name]-[hash]`,
    // The workspace's own packages are bundled from their sources, as every in-repo tool reads
    // them (see tsconfig.base.json), never from a dist/ that may be older.
    conditions: ["@forusbots/source"],
    external: options.external,
    // CommonJS dependencies (commander) call require() for Node's built-ins; an ES module has
    // no require of its own.
    banner: {
      js: 'import { createRequire as createRequireForBundle } from "node:module";\nconst require = createRequireForBundle(import.meta.url);',
    },
    plugins: [freshEntries(options.packageDir)],
    metafile: true,
    logLevel: "warning",
  });
  const inputs = Object.keys(metafile.inputs)
    .filter((input) => !input.startsWith(`${ENTRY_NAMESPACE}:`))
    .map((input) => resolve(options.packageDir, input));
  writeFileSync(
    join(outdir, SOURCE_MANIFEST),
    `${JSON.stringify(recordSources(inputs, outdir), null, 2)}\n`,
  );
}
