export { type ArchiveResumption, checkpointPath, PruneArchive } from "./prune-archive.ts";
export {
  countPrunable,
  countStoredJobs,
  MAX_PRUNE_BATCH_SIZE,
  PRUNE_BATCH_SIZE,
  type PruneCounts,
  type PruneFilter,
  type PruneOptions,
  type PruneResult,
  pruneJobs,
} from "./prune-jobs.ts";
