import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { ConnectionError } from "../errors.ts";

/**
 * PGlite keeps no lock of its own: two processes opening one data directory corrupt it. A lock
 * file beside the directory, holding the owner's pid, turns the second open into a clear error.
 * A lock left by a process that no longer runs is taken over.
 */
export function lockEmbeddedDirectory(dataDir: string): () => void {
  const lockPath = `${dataDir}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number.parseInt(readFileSync(lockPath, "utf8"), 10);
      if (Number.isInteger(owner) && owner !== process.pid && isRunning(owner)) {
        throw new ConnectionError(
          `the embedded database ${dataDir} is in use by process ${owner}; stop it, or set DATABASE_URL to use a PostgreSQL server`,
        );
      }
      rmSync(lockPath, { force: true });
    }
  }
  throw new ConnectionError(`cannot lock the embedded database ${dataDir}`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
