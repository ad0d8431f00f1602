import { getStageSummary } from "@forusbots/queries";
import { Hono } from "hono";
import type { DatabaseConnection } from "../database-connection.ts";
import { checkRange, optionalInstant, optionalText } from "../request-params.ts";

export function stageRoutes(connection: DatabaseConnection): Hono {
  return new Hono().get("/", async (c) => {
    const query = (name: string) => c.req.query(name);
    const from = optionalInstant(query, "from");
    const to = optionalInstant(query, "to");
    checkRange(from, to);
    const stages = await getStageSummary(await connection.db(), {
      stageName: optionalText(query, "name"),
      botId: optionalText(query, "bot"),
      from,
      to,
    });
    return c.json({ stages });
  });
}
