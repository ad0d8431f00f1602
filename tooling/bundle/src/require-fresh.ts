import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { findStaleSource, SOURCE_MANIFEST } from "./source-manifest.ts";

// bundle() makes this the first import of every entry, and no source imports it, so it runs in
// the bundles only, before any of their own code; import.meta.url is then the bundle in dist/,
// beside the manifest. Stale code run silently would migrate with an older runner, or answer as
// an older CLI, while the sources say otherwise. It refuses rather than rebuilds: a rebuild would
// need esbuild (a devDependency) wherever the bundle runs, and deploys start db:migrate on every
// instance at once, which would race to rewrite dist/. The root scripts build first anyway.
const bundle = fileURLToPath(import.meta.url);
const stale = findStaleSource(join(dirname(bundle), SOURCE_MANIFEST));
if (stale !== null) {
  const shown = (path: string) => {
    const fromHere = relative(process.cwd(), path);
    return fromHere.startsWith("..") ? path : fromHere;
  };
  const why = stale.change === "changed" ? "changed since the build" : "is missing";
  console.error(
    `${shown(bundle)} is out of date (${shown(stale.path)} ${why}): run \`pnpm build\``,
  );
  process.exit(2);
}
