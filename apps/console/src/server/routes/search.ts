import { findBotIdsByPrefix, findJobsByIdPrefix } from "@forusbots/queries";
import { parseJobIdPrefix } from "@forusbots/queries/contract";
import { Hono } from "hono";
import type { SearchResponse } from "../../shared/api-types.ts";
import type { DatabaseConnection } from "../database-connection.ts";
import { optionalText, ParameterError, type RequestParams } from "../request-params.ts";

/** How many jobs and bots one search lists; one more is read to know whether there are more. */
export const SEARCH_RESULTS = 10;
/** Longest text searched for: a bot id is at most this long in practice, a UUID 36. */
const MAX_QUERY_LENGTH = 200;

/**
 * The top bar's search: `q` as a job id or id prefix (the contract's rule, as `pnpm cli job`
 * reads it) and as the start of a bot id. Both are tried, since `beef` may be either.
 */
export function searchRoutes(
  connection: DatabaseConnection,
  paramsOf: (query: RequestParams["query"]) => RequestParams,
): Hono {
  return new Hono().get("/", async (c) => {
    const query = optionalText(
      paramsOf((name) => c.req.query(name)),
      "q",
    );
    if (query === undefined) throw new ParameterError("q", "is required");
    if (query.length > MAX_QUERY_LENGTH) {
      throw new ParameterError("q", `is at most ${MAX_QUERY_LENGTH} characters`);
    }
    const idRange = parseJobIdPrefix(query);
    const found = await connection.read(async (db) => ({
      jobs: idRange.ok ? await findJobsByIdPrefix(db, idRange.value, SEARCH_RESULTS + 1) : [],
      bots: await findBotIdsByPrefix(db, query, SEARCH_RESULTS + 1),
    }));
    const answer: SearchResponse = {
      query,
      jobs: found.jobs
        .slice(0, SEARCH_RESULTS)
        .map((job) => ({ ...job, acceptedAt: job.acceptedAt.toISOString() })),
      moreJobs: found.jobs.length > SEARCH_RESULTS,
      bots: found.bots.slice(0, SEARCH_RESULTS),
      moreBots: found.bots.length > SEARCH_RESULTS,
      notAJobId: idRange.ok ? null : idRange.problem,
    };
    return c.json(answer);
  });
}
