// @ts-check
/**
 * What every workspace's mutation testing shares (`pnpm test:mutation`, README → Testing): the
 * vitest runner with per-test coverage, so each mutant runs only the tests that cover it; two
 * mutants at a time, since the tests share one PostgreSQL server (TEST_DATABASE_URL) and the
 * machine has two cores; and the reports under the workspace's `reports/mutation/`, with each
 * mutant's result written to `events/` as soon as it is known, so a run cut short still says
 * what it found.
 * @param {{
 *   runnerPlugin: string,
 *   mutate: string[],
 *   report: string,
 * } & import("@stryker-mutator/api/core").PartialStrykerOptions} options `runnerPlugin` is the
 *   vitest runner's path as the workspace resolves it: under pnpm the plugin cannot be found
 *   from Stryker's own folder.
 * @returns {import("@stryker-mutator/api/core").PartialStrykerOptions}
 */
export function mutationTestingConfig({ runnerPlugin, report, ...options }) {
  return {
    plugins: [runnerPlugin],
    testRunner: "vitest",
    vitest: { configFile: "vitest.mutation.config.ts", related: false },
    coverageAnalysis: "perTest",
    concurrency: 2,
    timeoutMS: 60_000,
    reporters: ["clear-text", "progress", "html", "json", "event-recorder"],
    htmlReporter: { fileName: `reports/mutation/${report}.html` },
    jsonReporter: { fileName: `reports/mutation/${report}.json` },
    eventReporter: { baseDir: `reports/mutation/events/${report}` },
    tempDirName: ".stryker-tmp",
    cleanTempDir: "always",
    ...options,
  };
}
