import { type FileHandle, mkdir, open } from "node:fs/promises";
import { join } from "node:path";
import type { AuditEvent } from "../../events/schemas.ts";
import { rejectedFileName } from "./segment-name.ts";

/**
 * What the database refused when the spool was replayed (a contradiction such as a second final
 * state, a stage of a job never accepted, or a line of a damaged segment): one JSON line each,
 * `{"rejectedAt","reason","event"}` (or `"line"` for text that was no event), in a
 * `rejected-*.jsonl` file of the spool directory. An audit trail keeps them for the operator
 * rather than drop them: `jq -c .event rejected-*.jsonl` gives events `forus-audit ingest` reads.
 */
export class RejectedLog {
  private handle: FileHandle | null = null;
  /** The file this recorder keeps its refused events in, once it has one. */
  path: string | null = null;

  constructor(private readonly dir: string) {}

  async keep(
    entries: readonly ({ reason: string } & ({ event: AuditEvent } | { line: string }))[],
  ): Promise<void> {
    if (entries.length === 0) return;
    if (!this.handle) {
      await mkdir(this.dir, { recursive: true });
      this.path = join(this.dir, rejectedFileName());
      this.handle = await open(this.path, "a");
    }
    const rejectedAt = new Date().toISOString();
    await this.handle.appendFile(
      entries.map((entry) => `${JSON.stringify({ rejectedAt, ...entry })}\n`).join(""),
    );
    await this.handle.datasync();
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = null;
  }
}
