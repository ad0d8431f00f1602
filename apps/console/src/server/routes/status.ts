import { describeFailure } from "@forusbots/db";
import { Hono } from "hono";
import type { DatabaseConnection } from "../database-connection.ts";

/**
 * Which database the console reads (masked, never the password) and whether it answers now, for
 * the page header's indicator. Always 200: the answer is about the database, not this request.
 */
export function statusRoutes(connection: DatabaseConnection): Hono {
  return new Hono().get("/", async (c) => {
    try {
      await connection.ping();
      return c.json({ database: connection.description, reachable: true, problem: null });
    } catch (error) {
      return c.json({
        database: connection.description,
        reachable: false,
        problem: describeFailure(error).message,
      });
    }
  });
}
