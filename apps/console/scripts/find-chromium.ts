import { existsSync } from "node:fs";
import { chromium } from "playwright-core";

type Env = Readonly<Record<string, string | undefined>>;

/** Where Debian, Ubuntu and Fedora put their Chromium or Chrome packages. */
const SYSTEM_BROWSERS = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable",
];

/** The one command that makes the browser tests run, shown wherever they are skipped. */
export const ENABLE_BROWSER_TESTS =
  "sudo apt-get install chromium (Debian/Ubuntu), or set CHROMIUM_PATH to a Chromium or Chrome binary";

export type ChromiumLookup = { found: true; path: string } | { found: false; reason: string };

/**
 * The browser the console's tests drive: `CHROMIUM_PATH` when set (and then it must exist: a
 * wrong path is a mistake to report, not a reason to skip), else a system package, else a
 * browser that `playwright install chromium` downloaded. playwright-core itself downloads nothing.
 */
export function findChromium(env: Env): ChromiumLookup {
  const explicit = env.CHROMIUM_PATH?.trim();
  if (explicit) {
    if (existsSync(explicit)) return { found: true, path: explicit };
    throw new Error(`CHROMIUM_PATH=${explicit} does not exist`);
  }
  const system = SYSTEM_BROWSERS.find((path) => existsSync(path));
  if (system !== undefined) return { found: true, path: system };
  const downloaded = chromium.executablePath();
  if (downloaded !== "" && existsSync(downloaded)) return { found: true, path: downloaded };
  return {
    found: false,
    reason: `no Chromium found (CHROMIUM_PATH, ${SYSTEM_BROWSERS.join(", ")}, Playwright's download): ${ENABLE_BROWSER_TESTS}`,
  };
}
