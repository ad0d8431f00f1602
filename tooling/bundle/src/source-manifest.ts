import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { dirname, relative, resolve, sep } from "node:path";

/** Written into dist/ beside the bundles: every file they were built from, with its hash. */
export const SOURCE_MANIFEST = "bundle-sources.json";

/** One file as the build saw it. */
interface RecordedFile {
  sha256: string;
  size: number;
  mtimeMs: number;
}

/** Path relative to the manifest's folder → the file as the build saw it. */
export type SourceManifest = Record<string, RecordedFile>;

const hashFile = (path: string): string =>
  createHash("sha256").update(readFileSync(path)).digest("hex");

function recordFile(path: string): RecordedFile {
  const { size, mtimeMs } = statSync(path);
  return { sha256: hashFile(path), size, mtimeMs };
}

/**
 * The file that stands for `input` in the manifest. A file under node_modules stands for its
 * package's package.json: hashing one file per package still catches an upgrade (the version in
 * it changes, and pnpm moves the package to another folder), at a fraction of the reads.
 */
function recordedFile(input: string): string {
  const parts = input.split(sep);
  const modules = parts.lastIndexOf("node_modules");
  if (modules === -1) return input;
  const nameParts = parts[modules + 1]?.startsWith("@") ? 2 : 1;
  return [...parts.slice(0, modules + 1 + nameParts), "package.json"].join(sep);
}

/** The manifest of a build whose inputs (absolute paths) went into bundles in `outdir`. */
export function recordSources(inputs: Iterable<string>, outdir: string): SourceManifest {
  const files = new Set<string>();
  for (const input of inputs) files.add(recordedFile(input));
  return Object.fromEntries(
    [...files].sort().map((file) => [relative(outdir, file), recordFile(file)]),
  );
}

/** A file the bundles were built from that no longer matches, or the manifest itself missing. */
export interface StaleSource {
  path: string;
  change: "changed" | "missing";
}

/**
 * The first file the bundles beside `manifestPath` were built from whose content has changed
 * since, or null when they are up to date. Paths are relative, so the check still holds in a
 * clone elsewhere, or for a dist/ restored from turbo's cache.
 */
export function findStaleSource(manifestPath: string): StaleSource | null {
  let manifest: SourceManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as SourceManifest;
  } catch {
    return { path: manifestPath, change: "missing" };
  }
  for (const [file, recorded] of Object.entries(manifest)) {
    const path = resolve(dirname(manifestPath), file);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat === undefined) return { path, change: "missing" };
    // Every start of a bundle runs this, so a file whose size and modification time are those the
    // build saw is taken as unchanged, as make and git do, without reading it; any other file is
    // compared by content, so one a checkout rewrote with the same bytes still passes.
    if (stat.size === recorded.size && stat.mtimeMs === recorded.mtimeMs) continue;
    if (hashFile(path) !== recorded.sha256) return { path, change: "changed" };
  }
  return null;
}
