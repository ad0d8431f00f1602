import type { JobState } from "@forusbots/db/schema";
import { useEffect, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import type { JobsResponse, RecentJobJson } from "../../shared/api-types.ts";
import { ApiError, fetchJson } from "../api/fetch-json.ts";
import { queryString } from "../api/use-api.ts";
import { BotSelect } from "../components/bot-select.tsx";
import { Card, PageHeader } from "../components/layout.tsx";
import { EmptyState, ErrorState, Loading } from "../components/page-states.tsx";
import { StateBadge } from "../components/state-badge.tsx";
import { formatCount, formatSeconds, formatTimestamp, shortId } from "../display-format.ts";
import { JOB_STATE_ORDER } from "../job-states.ts";

/** Rows per page; "Load older jobs" fetches the next page behind the last row. */
export const JOBS_PAGE_SIZE = 25;

type Listing =
  | { status: "loading" }
  | { status: "failed"; error: ApiError }
  | { status: "ready"; jobs: RecentJobJson[]; nextCursor: string | null; loadingMore: boolean };

const asApiError = (error: unknown) =>
  error instanceof ApiError ? error : new ApiError("internal", String(error), 0);

function useJobListing(botId: string | undefined, state: string | undefined) {
  const [listing, setListing] = useState<Listing>({ status: "loading" });
  const base = `/api/jobs${queryString({ bot: botId, state, limit: String(JOBS_PAGE_SIZE) })}`;
  useEffect(() => {
    const controller = new AbortController();
    setListing({ status: "loading" });
    fetchJson<JobsResponse>(base, controller.signal).then(
      (page) => setListing({ status: "ready", ...page, loadingMore: false }),
      (error: unknown) => {
        if (!controller.signal.aborted) setListing({ status: "failed", error: asApiError(error) });
      },
    );
    return () => controller.abort();
  }, [base]);

  const loadOlder = (cursor: string) => {
    setListing((current) =>
      current.status === "ready" ? { ...current, loadingMore: true } : current,
    );
    fetchJson<JobsResponse>(`${base}&before=${encodeURIComponent(cursor)}`).then(
      (page) =>
        setListing((current) =>
          current.status === "ready"
            ? {
                status: "ready",
                jobs: [...current.jobs, ...page.jobs],
                nextCursor: page.nextCursor,
                loadingMore: false,
              }
            : current,
        ),
      (error: unknown) => setListing({ status: "failed", error: asApiError(error) }),
    );
  };
  return { listing, loadOlder };
}

export function JobsPage() {
  const [search, setSearch] = useSearchParams();
  const navigate = useNavigate();
  const botId = search.get("bot") ?? undefined;
  const state = search.get("state") ?? undefined;
  const { listing, loadOlder } = useJobListing(botId, state);

  const setFilter = (name: "bot" | "state", value: string) => {
    const next = new URLSearchParams(search);
    if (value === "") next.delete(name);
    else next.set(name, value);
    setSearch(next);
  };

  const filters = (
    <div className="filters">
      <BotSelect value={botId} onChange={(value) => setFilter("bot", value)} />
      <label className="select">
        <span>State</span>
        <select
          name="state"
          value={state ?? ""}
          onChange={(event) => setFilter("state", event.target.value)}
        >
          <option value="">All states</option>
          {JOB_STATE_ORDER.map((option: JobState) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
  const header = (
    <PageHeader title="Recent jobs" subtitle="Newest accepted first" actions={filters} />
  );

  if (listing.status === "failed")
    return (
      <>
        {header}
        <ErrorState error={listing.error} />
      </>
    );
  if (listing.status === "loading")
    return (
      <>
        {header}
        <Loading label="Loading jobs…" />
      </>
    );
  if (listing.jobs.length === 0) {
    return (
      <>
        {header}
        <EmptyState
          title={
            botId === undefined && state === undefined
              ? "No jobs recorded yet"
              : "No jobs match these filters"
          }
        >
          {botId === undefined && state === undefined ? (
            <>
              The audit database holds no job. <code>pnpm cli seed</code> records sample ones.
            </>
          ) : (
            <>Try another bot or state.</>
          )}
        </EmptyState>
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
            {formatCount(listing.jobs.length)} shown
          </span>
        }
      >
        <div className="table-scroll">
          <table className="table table-clickable table-jobs" data-testid="recent-jobs">
            <thead>
              <tr>
                <th>Accepted</th>
                <th>Bot</th>
                <th>State</th>
                <th className="num">Duration</th>
                <th className="num">Stages</th>
                <th>Job</th>
              </tr>
            </thead>
            <tbody>
              {listing.jobs.map((job) => (
                <tr
                  key={job.jobId}
                  data-job={job.jobId}
                  onClick={() => navigate(`/jobs/${job.jobId}`)}
                >
                  <td className="nowrap cell-accepted">{formatTimestamp(job.acceptedAt)}</td>
                  <td className="cell-bot">{job.botId}</td>
                  <td className="cell-state">
                    <StateBadge state={job.state} />
                  </td>
                  <td className="num cell-duration">{formatSeconds(job.durationSeconds)}</td>
                  <td className="num cell-stages">{job.stageCount}</td>
                  <td className="cell-job">
                    <Link
                      className="mono"
                      to={`/jobs/${job.jobId}`}
                      onClick={(event) => event.stopPropagation()}
                    >
                      {shortId(job.jobId)}
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div className="card-footer">
          {listing.nextCursor === null ? (
            <span className="muted">No older jobs</span>
          ) : (
            <button
              type="button"
              className="button"
              disabled={listing.loadingMore}
              onClick={() => listing.nextCursor !== null && loadOlder(listing.nextCursor)}
            >
              {listing.loadingMore ? "Loading…" : "Load older jobs"}
            </button>
          )}
        </div>
      </Card>
    </>
  );
}
