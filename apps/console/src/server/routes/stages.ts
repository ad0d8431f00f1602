import { getStageSummary } from "@forusbots/queries";
import { percentileRangeProblem } from "@forusbots/queries/contract";
import { Hono } from "hono";
import type { DatabaseConnection } from "../database-connection.ts";
import { optionalRange, optionalText, type RequestParams } from "../request-params.ts";

export function stageRoutes(
  connection: DatabaseConnection,
  paramsOf: (query: RequestParams["query"]) => RequestParams,
): Hono {
  return new Hono().get("/", async (c) => {
    const params = paramsOf((name) => c.req.query(name));
    const { from, to } = optionalRange(params);
    const filter = {
      stageName: optionalText(params, "name"),
      botId: optionalText(params, "bot"),
      from,
      to,
    };
    const percentilesOmitted = percentileRangeProblem({ from, to }) ?? null;
    const stages = await connection.read((db) =>
      getStageSummary(db, filter, { percentiles: percentilesOmitted === null }),
    );
    return c.json({ stages, percentilesOmitted });
  });
}
