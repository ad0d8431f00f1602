import { Link, useNavigate } from "react-router";
import type { RecentJobJson } from "../../shared/api-types.ts";
import { formatCount, formatSeconds, formatTimestamp, shortId } from "../display-format.ts";
import { StateBadge } from "./state-badge.tsx";

/**
 * Jobs newest first, one row each (a small card on a phone); a failed job's error beside it, so
 * what broke reads without opening each job.
 */
export function JobsTable({ jobs }: { jobs: readonly RecentJobJson[] }) {
  const navigate = useNavigate();
  return (
    <table className="table table-clickable table-jobs" data-testid="recent-jobs">
      <thead>
        <tr>
          <th>Accepted</th>
          <th>Bot</th>
          <th>State</th>
          <th className="num">Duration</th>
          <th className="num">Stages</th>
          <th>Job</th>
          <th>Error</th>
        </tr>
      </thead>
      <tbody>
        {jobs.map((job) => (
          <tr
            key={job.jobId}
            data-job={job.jobId}
            className={job.state === "failed" ? "row-failed" : undefined}
            onClick={() => navigate(`/jobs/${job.jobId}`)}
          >
            <td className="nowrap cell-accepted">{formatTimestamp(job.acceptedAt)}</td>
            <td className="cell-bot">{job.botId}</td>
            <td className="cell-state">
              <StateBadge state={job.state} />
            </td>
            <td className="num cell-duration">{formatSeconds(job.durationSeconds)}</td>
            {/* The noun is added on a phone's card (styles.css), where no column header names it. */}
            <td className="num cell-stages" data-noun={job.stageCount === 1 ? "stage" : "stages"}>
              {formatCount(job.stageCount)}
            </td>
            <td className="cell-job">
              <Link
                className="mono"
                to={`/jobs/${job.jobId}`}
                onClick={(event) => event.stopPropagation()}
              >
                {shortId(job.jobId)}
              </Link>
            </td>
            <td className="cell-error" title={job.errorMessage ?? undefined}>
              {job.errorMessage ?? ""}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
