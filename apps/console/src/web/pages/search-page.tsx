import { useEffect } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import type { SearchResponse } from "../../shared/api-types.ts";
import { queryString, useApi } from "../api/use-api.ts";
import { Card, PageHeader } from "../components/layout.tsx";
import { EmptyState, ErrorState, Loading } from "../components/page-states.tsx";
import { StateBadge } from "../components/state-badge.tsx";
import { formatTimestamp, plural } from "../display-format.ts";
import { JOB_STATE_ORDER } from "../job-states.ts";

/** Where a search leads straight to, when it found exactly one thing. */
function onlyMatch(found: SearchResponse): string | undefined {
  const [job] = found.jobs;
  const [bot] = found.bots;
  if (found.jobs.length === 1 && found.bots.length === 0 && job !== undefined) {
    return `/jobs/${job.jobId}`;
  }
  if (found.jobs.length === 0 && found.bots.length === 1 && bot !== undefined) {
    return `/jobs${queryString({ bot })}`;
  }
  return undefined;
}

const knownState = (state: string) => JOB_STATE_ORDER.find((known) => known === state);

/**
 * The top bar's search: a job id or id prefix, or the start of a bot id. One match opens it (the
 * search replaced in the history, so Back returns to where the search was typed); several are
 * listed.
 */
export default function SearchPage() {
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const text = search.get("q")?.trim() ?? "";
  const found = useApi<SearchResponse>(`/api/search${queryString({ q: text })}`);
  const target = found.status === "ready" ? onlyMatch(found.data) : undefined;
  useEffect(() => {
    if (target !== undefined) navigate(target, { replace: true });
  }, [target, navigate]);

  const header = <PageHeader title="Search" subtitle={text === "" ? undefined : `“${text}”`} />;
  if (text === "") {
    return (
      <>
        {header}
        <EmptyState title="Search for a job or a bot">
          Type a job id, or its first 4 or more hex digits as the tables show them, or the start of
          a bot id, in the box at the top.
        </EmptyState>
      </>
    );
  }
  if (found.status === "failed") {
    return (
      <>
        {header}
        <ErrorState error={found.error} />
      </>
    );
  }
  if (found.status === "loading" || target !== undefined) {
    return (
      <>
        {header}
        <Loading label="Searching…" />
      </>
    );
  }
  const { jobs, bots } = found.data;
  if (jobs.length === 0 && bots.length === 0) {
    return (
      <>
        {header}
        <EmptyState title="Nothing found">
          No job id starts with “{text}” and no bot id does.
          {found.data.notAJobId !== null && <> As a job id: {found.data.notAJobId}.</>}
        </EmptyState>
      </>
    );
  }
  return (
    <>
      {header}
      {jobs.length > 0 && (
        <Card
          title="Jobs"
          aside={
            <span className="muted">
              {found.data.moreJobs
                ? `more than ${plural(jobs.length, "match", "matches")}: type more of the id`
                : plural(jobs.length, "match", "matches")}
            </span>
          }
        >
          <ul className="search-results" data-testid="job-matches">
            {jobs.map((job) => {
              const state = knownState(job.state);
              return (
                <li key={job.jobId} data-job={job.jobId}>
                  <Link className="mono" to={`/jobs/${job.jobId}`}>
                    {job.jobId}
                  </Link>
                  <span>{job.botId}</span>
                  {state === undefined ? job.state : <StateBadge state={state} />}
                  <span className="muted">accepted {formatTimestamp(job.acceptedAt)}</span>
                </li>
              );
            })}
          </ul>
        </Card>
      )}
      {bots.length > 0 && (
        <Card
          title="Bots"
          aside={
            <span className="muted">
              {found.data.moreBots ? "more than " : ""}
              {plural(bots.length, "match", "matches")}
            </span>
          }
        >
          <ul className="search-results" data-testid="bot-matches">
            {bots.map((bot) => (
              <li key={bot} data-bot={bot}>
                <Link className="strong-link" to={`/jobs${queryString({ bot })}`}>
                  {bot}
                </Link>
              </li>
            ))}
          </ul>
        </Card>
      )}
    </>
  );
}
