import { fileURLToPath } from "node:url";
import { defaultClientConditions, defaultServerConditions } from "vite";
import { defineConfig, type ViteUserConfig } from "vitest/config";
import { SOURCE_CONDITION } from "./source-condition.ts";

/**
 * The vitest configuration every workspace shares: the global setup that picks the test database
 * and timeouts sized for real databases (creating one, migrating it, spawning the CLI). A
 * workspace's own global setups run after the shared one.
 */
export function auditTestConfig(overrides: ViteUserConfig["test"] = {}): ViteUserConfig {
  const { globalSetup = [], ...rest } = overrides ?? {};
  return defineConfig({
    // Tests run the workspace packages from their sources, as typecheck does, never from a dist/
    // that may be older than them (see tsconfig.base.json).
    resolve: { conditions: [SOURCE_CONDITION, ...defaultClientConditions] },
    ssr: { resolve: { conditions: [SOURCE_CONDITION, ...defaultServerConditions] } },
    test: {
      globalSetup: [
        fileURLToPath(new URL("./global-setup.ts", import.meta.url)),
        ...[globalSetup].flat(),
      ],
      include: ["src/**/*.test.ts", "test/**/*.test.ts"],
      testTimeout: 30_000,
      hookTimeout: 60_000,
      ...rest,
    },
  });
}
