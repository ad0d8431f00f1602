import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";
import { findChromium } from "../scripts/find-chromium.ts";

/** The browser for these tests, or why there is none (the browser tests are then skipped). */
export const CHROMIUM = findChromium(process.env);
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export const LAPTOP = { viewport: { width: 1366, height: 900 }, deviceScaleFactor: 1 } as const;
export const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
} as const;

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A browser with a fresh profile (its own user data directory), removed at close. */
export async function openChromium(
  device: typeof LAPTOP | typeof PHONE,
  /** What the browser answers a login prompt with (the console's credentials). */
  httpCredentials?: { username: string; password: string },
): Promise<Browser> {
  if (!CHROMIUM.found) throw new Error(CHROMIUM.reason);
  const profile = mkdtempSync(join(tmpdir(), "console-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM.path,
    headless: true,
    args: CHROMIUM_ARGS,
    // Far from UTC on purpose: the page must show UTC whatever the browser's zone.
    timezoneId: "America/New_York",
    locale: "en-GB",
    ...device,
    ...(httpCredentials === undefined ? {} : { httpCredentials }),
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
