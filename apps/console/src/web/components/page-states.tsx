import type { ReactNode } from "react";
import { Link } from "react-router";
import type { ApiError } from "../api/fetch-json.ts";

export function Loading({ label }: { label: string }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty-state" data-testid="empty-state">
      <div className="empty-icon" aria-hidden="true">
        ∅
      </div>
      <h2>{title}</h2>
      {children !== undefined && <p>{children}</p>}
    </div>
  );
}

const EXPLANATIONS: Partial<Record<ApiError["kind"], { title: string; hint: ReactNode }>> = {
  connection: {
    title: "Cannot reach the audit database",
    hint: (
      <>
        Check that the database is running and that <code>DATABASE_URL</code> points at it, or that
        no other process holds the embedded database. This page retries on reload.
      </>
    ),
  },
  schema: {
    title: "The audit database is not set up",
    hint: (
      <>
        Create its tables with <code>pnpm db:migrate</code>, then reload.
      </>
    ),
  },
  busy: {
    title: "The audit database is busy",
    hint: (
      <>
        A query took too long: narrow the range, or reload in a moment (another session may have
        held a lock). Nothing was changed.
      </>
    ),
  },
  network: {
    title: "The console server does not answer",
    hint: (
      <>
        Start it again with <code>pnpm console</code>, then reload.
      </>
    ),
  },
};

/** A failed load as a page: what is wrong, in words, and what to do about it. */
export function ErrorState({ error }: { error: ApiError }) {
  const explanation = EXPLANATIONS[error.kind] ?? {
    title: "Something went wrong",
    hint: "The console could not load this page.",
  };
  return (
    <div className="error-state" role="alert" data-testid="error-state" data-kind={error.kind}>
      <div className="error-icon" aria-hidden="true">
        !
      </div>
      <h2>{explanation.title}</h2>
      <p className="error-detail">{error.message}</p>
      <p>{explanation.hint}</p>
    </div>
  );
}

export function NotFound({ title, detail }: { title: string; detail: string }) {
  return (
    <div className="error-state not-found" role="alert" data-testid="not-found">
      <div className="error-code">404</div>
      <h2>{title}</h2>
      <p className="error-detail">{detail}</p>
      <p>
        <Link to="/jobs">Browse recent jobs</Link> or go back to the{" "}
        <Link to="/">bots overview</Link>.
      </p>
    </div>
  );
}
