import { type FileHandle, open } from "node:fs/promises";

/** Makes a new file's name durable: without it a crash may lose the entry with its synced data. */
export async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, "r");
    await handle.sync();
  } catch {
    // Not every platform syncs a directory (Windows refuses to open one); the data is synced.
  } finally {
    await handle?.close();
  }
}
