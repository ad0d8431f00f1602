export * from "./client/index.ts";
export * from "./config.ts";
export * from "./errors.ts";
export * from "./failures/index.ts";
export * from "./output/closed-pipe.ts";
export * from "./reset.ts";
export * from "./roles.ts";
