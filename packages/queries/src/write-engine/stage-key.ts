/**
 * A stage row's identity in Node, (job, stage name, start time) as in the table's unique key:
 * planning keeps one event per key, classification finds the stored stage of an event by it.
 */
export const stageKey = (jobId: string, stageName: string, startedAt: Date): string =>
  JSON.stringify([jobId, stageName, startedAt.getTime()]);
