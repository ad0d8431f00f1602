import { parseJobState } from "@forusbots/queries/contract";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useEffect } from "react";
import { useSearchParams } from "react-router";
import type { JobStateCountsResponse, JobsResponse } from "../../shared/api-types.ts";
import { ApiError, fetchJson } from "../api/fetch-json.ts";
import { useRefetchInterval } from "../api/live-refresh.tsx";
import { queryString, useApi } from "../api/use-api.ts";
import { JobsTable } from "../components/jobs-table.tsx";
import { Card } from "../components/layout.tsx";
import {
  RangedPage,
  RangedPageHeader,
  type ReadyRange,
  rangeLabel,
  useChooseFilter,
} from "../components/page-range.tsx";
import { EmptyState, ErrorState, Loading } from "../components/page-states.tsx";
import { StateCounts } from "../components/state-counts.tsx";
import { apiRange } from "../date-range.ts";
import { formatCount } from "../display-format.ts";

/** Rows per page; "Load older jobs" fetches the next page behind the last row. */
export const JOBS_PAGE_SIZE = 25;
/** Most pages the URL's `pages` reloads: a link cannot make the page read thousands of jobs. */
const MAX_PAGES = 20;

/** How many pages the URL asks for: `pages=3` is the first three pages, as "Load older" left it. */
function pagesInSearch(search: URLSearchParams): number {
  const pages = Number(search.get("pages") ?? "1");
  return Number.isInteger(pages) && pages >= 1 ? Math.min(pages, MAX_PAGES) : 1;
}

const asApiError = (error: unknown) =>
  error instanceof ApiError ? error : new ApiError("internal", String(error), 0);

export default function JobsPage() {
  const [search] = useSearchParams();
  return (
    <RangedPage title="Jobs" botId={search.get("bot") ?? undefined} loadingLabel="Loading jobs…">
      {(pageRange) => <JobsInRange pageRange={pageRange} />}
    </RangedPage>
  );
}

/** The listing's pages, as many as the URL asks for, refreshed together while live. */
function useJobPages(base: string, wantedPages: number) {
  const refetchInterval = useRefetchInterval();
  const listing = useInfiniteQuery({
    queryKey: [base],
    queryFn: ({ pageParam, signal }) =>
      fetchJson<JobsResponse>(
        pageParam === null ? base : `${base}&before=${encodeURIComponent(pageParam)}`,
        signal,
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
    refetchInterval,
  });
  const { data, hasNextPage, isFetchingNextPage, fetchNextPage } = listing;
  const loadedPages = data?.pages.length ?? 0;
  // A reloaded or shared URL with pages=3 loads the pages "Load older" had loaded, one by one.
  useEffect(() => {
    if (loadedPages > 0 && loadedPages < wantedPages && hasNextPage && !isFetchingNextPage) {
      void fetchNextPage();
    }
  }, [loadedPages, wantedPages, hasNextPage, isFetchingNextPage, fetchNextPage]);
  return listing;
}

function JobsInRange({ pageRange }: { pageRange: ReadyRange }) {
  const { range, noJobsAtAll } = pageRange;
  const [search, setSearch] = useSearchParams();
  const botId = search.get("bot") ?? undefined;
  const stateText = search.get("state");
  const parsedState = stateText === null ? undefined : parseJobState(stateText);
  const state = parsedState?.ok ? parsedState.value : undefined;
  const wantedPages = pagesInSearch(search);
  const filter = { bot: botId, ...apiRange(range) };
  const counts = useApi<JobStateCountsResponse>(`/api/jobs/state-counts${queryString(filter)}`);
  const base = `/api/jobs${queryString({ ...filter, state: stateText ?? undefined, limit: String(JOBS_PAGE_SIZE) })}`;
  const listing = useJobPages(base, wantedPages);

  const setFilter = useChooseFilter();
  const loadOlder = () => {
    const next = new URLSearchParams(search);
    next.set("pages", String((listing.data?.pages.length ?? 1) + 1));
    setSearch(next, { replace: true });
    void listing.fetchNextPage();
  };

  const header = (
    <>
      <RangedPageHeader
        title="Jobs"
        subtitle={`Accepted from ${rangeLabel(range)}, newest first`}
        pageRange={pageRange}
        bot={{ selected: botId }}
      />
      {counts.status === "ready" && (
        <StateCounts
          counts={counts.data.counts}
          selected={state}
          onSelect={(next) => setFilter("state", next)}
        />
      )}
    </>
  );

  const errorPage = (error: ApiError) => (
    <>
      {header}
      <ErrorState error={error} />
    </>
  );
  if (listing.status === "error") return errorPage(asApiError(listing.error));
  if (counts.status === "failed") return errorPage(counts.error);
  if (listing.status === "pending") {
    return (
      <>
        {header}
        <Loading label="Loading jobs…" />
      </>
    );
  }
  const jobs = listing.data.pages.flatMap((page) => page.jobs);
  if (jobs.length === 0) {
    const filtered = botId !== undefined || state !== undefined;
    return (
      <>
        {header}
        {noJobsAtAll && !filtered ? (
          <EmptyState title="No jobs recorded yet">
            The audit database holds no job. <code>pnpm cli seed</code> records sample ones.
          </EmptyState>
        ) : (
          <EmptyState title="No jobs match these filters">
            No job of this bot and state was accepted in this range. Try a wider range, or another
            bot or state.
          </EmptyState>
        )}
      </>
    );
  }
  return (
    <>
      {header}
      <Card
        title="Jobs"
        aside={
          <span className="muted" data-testid="shown-count">
            {formatCount(jobs.length)} shown
          </span>
        }
      >
        <div className="table-scroll">
          <JobsTable jobs={jobs} />
        </div>
        <div className="card-footer">
          {!listing.hasNextPage ? (
            <span className="muted">No older jobs</span>
          ) : (
            <button
              type="button"
              className="button"
              disabled={listing.isFetchingNextPage}
              onClick={loadOlder}
            >
              {listing.isFetchingNextPage ? "Loading…" : "Load older jobs"}
            </button>
          )}
        </div>
      </Card>
    </>
  );
}
