import { fileURLToPath } from "node:url";
import { defineConfig, type ViteUserConfig } from "vitest/config";

/**
 * The vitest configuration every workspace shares: the global setup that picks the test database
 * and timeouts sized for real databases (creating one, migrating it, spawning the CLI).
 */
export function auditTestConfig(overrides: ViteUserConfig["test"] = {}): ViteUserConfig {
  return defineConfig({
    test: {
      globalSetup: [fileURLToPath(new URL("./global-setup.ts", import.meta.url))],
      include: ["src/**/*.test.ts", "test/**/*.test.ts"],
      testTimeout: 30_000,
      hookTimeout: 60_000,
      ...overrides,
    },
  });
}
