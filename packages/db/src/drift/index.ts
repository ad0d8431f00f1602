export { type AdoptOptions, type AdoptResult, adoptLegacyDatabase } from "./adopt.ts";
export { type CheckDriftOptions, checkDrift, type DriftReport } from "./check-drift.ts";
export { findUncapturedSchemaChanges } from "./uncaptured-changes.ts";
