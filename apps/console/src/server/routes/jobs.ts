import { getJobWithStages, getRecentJobs } from "@forusbots/queries";
import { MAX_RECENT_JOBS } from "@forusbots/queries/contract";
import { Hono } from "hono";
import type { DatabaseConnection } from "../database-connection.ts";
import {
  optionalState,
  optionalText,
  optionalWholeNumber,
  type RequestParams,
} from "../request-params.ts";

export function jobRoutes(
  connection: DatabaseConnection,
  paramsOf: (query: RequestParams["query"]) => RequestParams,
): Hono {
  return new Hono()
    .get("/", async (c) => {
      const params = paramsOf((name) => c.req.query(name));
      const options = {
        botId: optionalText(params, "bot"),
        state: optionalState(params, "state"),
        limit: optionalWholeNumber(params, "limit", { min: 1, max: MAX_RECENT_JOBS }),
        before: optionalText(params, "before"),
      };
      return c.json(await connection.read((db) => getRecentJobs(db, options)));
    })
    .get("/:jobId", async (c) => {
      const jobId = c.req.param("jobId");
      const job = await connection.read((db) => getJobWithStages(db, jobId));
      return c.json({ job });
    });
}
