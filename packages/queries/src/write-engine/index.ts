/**
 * The write engine: validated events in, one outcome per event out ("stored", "unchanged" or the
 * error that refuses it). The recorder and the batch ingest use it through this surface only.
 */
export { type EventOutcome, executeWritePlan } from "./execute-plan.ts";
export { LIFECYCLE_ORDER, planWrites, type WritePlan } from "./plan-writes.ts";
export type { PositionedEvent } from "./positioned-event.ts";
export { beginRollupWrites } from "./rollup-writers-lock.ts";
export { FINISH_FROM, START_FROM } from "./transitions.ts";
export { type WriteBatchOptions, writeInTransaction } from "./write-in-transaction.ts";
