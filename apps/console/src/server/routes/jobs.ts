import { getJobWithStages, getRecentJobs } from "@forusbots/queries";
import { Hono } from "hono";
import type { DatabaseConnection } from "../database-connection.ts";
import { optionalState, optionalText, optionalWholeNumber } from "../request-params.ts";

export function jobRoutes(connection: DatabaseConnection): Hono {
  return new Hono()
    .get("/", async (c) => {
      const query = (name: string) => c.req.query(name);
      const page = await getRecentJobs(await connection.db(), {
        botId: optionalText(query, "bot"),
        state: optionalState(query, "state"),
        limit: optionalWholeNumber(query, "limit", { min: 1, max: 100 }),
        before: optionalText(query, "before"),
      });
      return c.json(page);
    })
    .get("/:jobId", async (c) => {
      const job = await getJobWithStages(await connection.db(), c.req.param("jobId"));
      return c.json({ job });
    });
}
