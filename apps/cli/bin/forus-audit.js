#!/usr/bin/env node
// The CLI is TypeScript run from source (no build step in this workspace): tsx's loader is
// registered here, relative to this package, so the binary works from any working directory.
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");
