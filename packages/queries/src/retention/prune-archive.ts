import { type FileHandle, open, readFile, rename, rm, stat, truncate } from "node:fs/promises";
import { dirname } from "node:path";
import { UsageError } from "@forusbots/db";
import { z } from "zod";
import { syncDirectory } from "../files/sync-directory.ts";

/**
 * The archive of a prune: the removed jobs as export-format events (JSON Lines), written and
 * fsynced before the batch that removes them commits, so no job is deleted that the archive does
 * not hold on disk.
 *
 * Beside it, `<archive>.checkpoint` says which of its bytes are settled and which batch is in
 * flight: before each batch is appended, the checkpoint names the batch's jobs and where its
 * bytes end, durably. A prune killed at any instant leaves one of three states, which the next
 * run on the same archive tells apart by asking the database whether the batch's jobs are still
 * stored:
 * - killed before the batch's bytes were whole, or before its delete committed: the jobs are
 *   still there, so the bytes after the settled ones are cut off and the batch is done again;
 * - killed after the delete committed: the jobs are gone and their bytes are kept.
 * So a job is neither lost (deleted without its bytes on disk) nor written twice. The checkpoint
 * is removed once the prune completes, leaving a plain export file that `ingest` restores.
 */
export class PruneArchive {
  private inFlightEnd: number | null = null;

  private constructor(
    readonly path: string,
    private readonly file: FileHandle,
    private settledBytes: number,
  ) {}

  /**
   * Opens a new archive at `path`, or takes up the one an interrupted prune left there (its
   * checkpoint beside it). `countStoredJobs` answers how many of the given jobs the database
   * still holds. A file that exists without a checkpoint is refused: it is not ours to extend.
   */
  static async open(
    path: string,
    countStoredJobs: (jobIds: readonly string[]) => Promise<number>,
  ): Promise<{ archive: PruneArchive; resumed: ArchiveResumption | null }> {
    const checkpoint = await readCheckpoint(path);
    if (checkpoint === null) {
      if ((await sizeOf(path)) !== null) {
        throw new UsageError(
          `${path} already exists and is not the archive of an interrupted prune (no ${checkpointPath(path)} beside it): name a new file`,
        );
      }
      // The checkpoint first: a crash between the two leaves a checkpoint with no archive, which
      // the next run takes up as an empty one.
      await writeCheckpoint(path, { settledBytes: 0, inFlight: null });
      const file = await openForAppend(path, "wx");
      await syncDirectory(dirname(path));
      return { archive: new PruneArchive(path, file, 0), resumed: null };
    }
    const size = (await sizeOf(path)) ?? 0;
    let keep = checkpoint.settledBytes;
    const { inFlight } = checkpoint;
    if (
      inFlight !== null &&
      size >= inFlight.endBytes &&
      (await countStoredJobs(inFlight.jobIds)) === 0
    ) {
      keep = inFlight.endBytes;
    }
    if (size < keep) {
      throw new UsageError(
        `${path} holds ${size} bytes but its checkpoint says ${keep} were archived: the file was cut short after the prune wrote it; restore it from a copy before pruning further`,
      );
    }
    if (size > keep) await truncate(path, keep);
    const file = await openForAppend(path, "a");
    await file.datasync();
    await writeCheckpoint(path, { settledBytes: keep, inFlight: null });
    return {
      archive: new PruneArchive(path, file, keep),
      resumed: { keptBytes: keep, discardedBytes: size - keep },
    };
  }

  /**
   * Appends one batch's lines and syncs them to disk, after the checkpoint names the batch: call
   * inside the batch's transaction, before its delete.
   */
  async append(jobIds: readonly string[], lines: string): Promise<void> {
    const bytes = Buffer.from(lines, "utf8");
    const endBytes = this.settledBytes + bytes.length;
    await writeCheckpoint(this.path, {
      settledBytes: this.settledBytes,
      inFlight: { jobIds: [...jobIds], endBytes },
    });
    await this.file.appendFile(bytes);
    await this.file.datasync();
    this.inFlightEnd = endBytes;
  }

  /** The batch appended last was committed: its bytes are settled. */
  committed(): void {
    if (this.inFlightEnd !== null) this.settledBytes = this.inFlightEnd;
    this.inFlightEnd = null;
  }

  /**
   * The batch appended last was rolled back for certain (the database said so before COMMIT):
   * its bytes are cut off so that its retry does not write them twice.
   */
  async rolledBack(): Promise<void> {
    if (this.inFlightEnd === null) return;
    await this.file.truncate(this.settledBytes);
    await this.file.datasync();
    await writeCheckpoint(this.path, { settledBytes: this.settledBytes, inFlight: null });
    this.inFlightEnd = null;
  }

  /** Every batch is committed: the checkpoint goes, and the archive is a plain export file. */
  async complete(): Promise<number> {
    await this.file.datasync();
    await this.file.close();
    await rm(checkpointPath(this.path), { force: true });
    await syncDirectory(dirname(this.path));
    return this.settledBytes;
  }

  /** Closes the file after a failure, leaving the checkpoint for the next run to take up. */
  async abandon(): Promise<void> {
    await this.file.close();
  }
}

/** What taking up an interrupted prune's archive did. */
export interface ArchiveResumption {
  /** Bytes of jobs that were archived and deleted before the interruption. */
  keptBytes: number;
  /** Bytes of a batch whose delete never committed, cut off to be archived again. */
  discardedBytes: number;
}

const checkpointSchema = z.strictObject({
  settledBytes: z.number().int().nonnegative(),
  inFlight: z
    .strictObject({
      jobIds: z.array(z.string()),
      endBytes: z.number().int().nonnegative(),
    })
    .nullable(),
});
type Checkpoint = z.infer<typeof checkpointSchema>;

export const checkpointPath = (archivePath: string): string => `${archivePath}.checkpoint`;

async function readCheckpoint(archivePath: string): Promise<Checkpoint | null> {
  const path = checkpointPath(archivePath);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw fileError(path, error);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const checkpoint = checkpointSchema.safeParse(parsed);
  if (!checkpoint.success) {
    throw new UsageError(`${path} is not a prune checkpoint; it was edited or is not ours`);
  }
  return checkpoint.data;
}

/**
 * Replaces the checkpoint whole and durably: written beside it, synced, renamed over it, and the
 * folder synced, so a crash leaves the old one or the new one, never a torn one.
 */
async function writeCheckpoint(archivePath: string, checkpoint: Checkpoint): Promise<void> {
  const path = checkpointPath(archivePath);
  const next = `${path}.next`;
  let file: FileHandle | undefined;
  try {
    file = await open(next, "w");
    await file.writeFile(JSON.stringify(checkpoint));
    await file.sync();
  } catch (error) {
    throw fileError(next, error);
  } finally {
    await file?.close();
  }
  await rename(next, path);
  await syncDirectory(dirname(path));
}

async function openForAppend(path: string, flags: "a" | "wx"): Promise<FileHandle> {
  try {
    return await open(path, flags);
  } catch (error) {
    throw fileError(path, error);
  }
}

async function sizeOf(path: string): Promise<number | null> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw fileError(path, error);
  }
}

/** A file the operator named that cannot be used, said as a usage error (exit status 2). */
function fileError(path: string, error: unknown): UsageError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === "ENOENT"
      ? "no such folder"
      : code === "EACCES"
        ? "permission denied"
        : code === "EISDIR"
          ? "it is a directory"
          : code === "EEXIST"
            ? "it already exists"
            : (code ?? "cannot open it");
  return new UsageError(`cannot write ${path}: ${reason}`);
}
