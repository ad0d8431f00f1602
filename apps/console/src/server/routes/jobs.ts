import { countJobsByState, getJobSpan, getJobWithStages, getRecentJobs } from "@forusbots/queries";
import { MAX_RECENT_JOBS } from "@forusbots/queries/contract";
import { Hono } from "hono";
import type { DatabaseConnection } from "../database-connection.ts";
import {
  optionalRange,
  optionalState,
  optionalText,
  optionalWholeNumber,
  type RequestParams,
} from "../request-params.ts";

export function jobRoutes(
  connection: DatabaseConnection,
  paramsOf: (query: RequestParams["query"]) => RequestParams,
): Hono {
  return (
    new Hono()
      .get("/", async (c) => {
        const params = paramsOf((name) => c.req.query(name));
        const options = {
          botId: optionalText(params, "bot"),
          state: optionalState(params, "state"),
          limit: optionalWholeNumber(params, "limit", { min: 1, max: MAX_RECENT_JOBS }),
          before: optionalText(params, "before"),
          ...optionalRange(params),
        };
        return c.json(await connection.read((db) => getRecentJobs(db, options)));
      })
      // Named routes before `/:jobId`, which would take them for ids.
      .get("/state-counts", async (c) => {
        const params = paramsOf((name) => c.req.query(name));
        const filter = { botId: optionalText(params, "bot"), ...optionalRange(params) };
        const counts = await connection.read((db) => countJobsByState(db, filter));
        return c.json({ counts });
      })
      .get("/span", async (c) => {
        const botId = optionalText(
          paramsOf((name) => c.req.query(name)),
          "bot",
        );
        const span = await connection.read((db) => getJobSpan(db, { botId }));
        return c.json(span);
      })
      .get("/:jobId", async (c) => {
        const jobId = c.req.param("jobId");
        const job = await connection.read((db) => getJobWithStages(db, jobId));
        return c.json({ job });
      })
  );
}
