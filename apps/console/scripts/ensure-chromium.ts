// Runs after `pnpm install` (the console's postinstall), so that the README's setup command is all
// a newcomer needs before `pnpm test`: the browser tests need a Chromium. Where one is missing and
// Debian's package manager is at hand (as root, or through password-less sudo) it installs the
// `chromium` package, as CI does; anywhere else it says how to get one and the browser tests are
// reported as skipped. It never fails the install: a missing browser only costs those tests.
// CONSOLE_SKIP_CHROMIUM_INSTALL=1 leaves the system alone.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { ENABLE_BROWSER_TESTS, findChromium } from "./find-chromium.ts";

const say = (text: string) => process.stderr.write(`console: ${text}\n`);

function lookup() {
  try {
    return findChromium(process.env);
  } catch (error) {
    say(`${(error as Error).message}: the browser tests will fail until it does`);
    return undefined;
  }
}

function installWithApt(): boolean {
  const asRoot = process.getuid?.() === 0;
  if (!asRoot && spawnSync("sudo", ["-n", "true"], { stdio: "ignore" }).status !== 0) return false;
  const run = (args: string[]) => {
    const [file, ...rest] = asRoot ? args : ["sudo", "-n", ...args];
    return spawnSync(file ?? "", rest, {
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    }).status;
  };
  say("no Chromium for the browser tests: installing Debian's chromium package (apt-get)…");
  return (
    run(["apt-get", "update", "-qq"]) === 0 &&
    run(["apt-get", "install", "-y", "-qq", "chromium"]) === 0
  );
}

const before = lookup();
if (before !== undefined && !before.found) {
  const aptAvailable = existsSync("/etc/debian_version") && existsSync("/usr/bin/apt-get");
  if (process.env.CONSOLE_SKIP_CHROMIUM_INSTALL === "1" || !aptAvailable || !installWithApt()) {
    say(`the browser tests will be skipped: to run them, ${ENABLE_BROWSER_TESTS}`);
  } else {
    const after = lookup();
    say(
      after?.found
        ? `Chromium installed: ${after.path}`
        : `installing Chromium failed: ${ENABLE_BROWSER_TESTS}`,
    );
  }
}
