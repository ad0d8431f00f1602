import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../testing/index.ts";
import { isEmbedded } from "./handle.ts";

const context = useTestDatabase({ migrated: false });

describe("isEmbedded", () => {
  it("tells a PGlite database from a PostgreSQL one, inside a transaction too", async () => {
    const embedded = context.handle.engine === "pglite";
    expect(isEmbedded(context.db)).toBe(embedded);
    expect(await context.db.transaction(async (tx) => isEmbedded(tx))).toBe(embedded);
  });
});
