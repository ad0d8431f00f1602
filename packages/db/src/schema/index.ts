export * from "./aliases.ts";
export * from "./durations.ts";
export * from "./job-stages.ts";
export * from "./jobs.ts";
export * from "./rollups.ts";
export * from "./states.ts";
export * from "./views.ts";
