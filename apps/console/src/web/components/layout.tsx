import type { ReactNode } from "react";
import { Link, NavLink } from "react-router";
import type { StatusResponse } from "../../shared/api-types.ts";
import { useApi } from "../api/use-api.ts";
import { LiveToggle, SearchBox } from "./top-bar-controls.tsx";

const SECTIONS = [
  { to: "/", label: "Bots", end: true },
  { to: "/jobs", label: "Jobs", end: false },
  { to: "/failures", label: "Failures", end: false },
  { to: "/stages", label: "Stages", end: false },
] as const;

export function Layout({ children }: { children: ReactNode }) {
  const status = useApi<StatusResponse>("/api/status");
  return (
    <div className="shell">
      <header className="topbar">
        <div className="topbar-inner">
          <Link className="brand" to="/">
            <img src="/favicon.svg" alt="" width={28} height={28} />
            <span>
              ForusBots <strong>Audit</strong>
            </span>
          </Link>
          <nav className="nav" aria-label="Sections">
            {SECTIONS.map((section) => (
              <NavLink key={section.to} to={section.to} end={section.end}>
                {section.label}
              </NavLink>
            ))}
          </nav>
          <SearchBox />
          <LiveToggle />
          {status.status === "ready" && (
            <span
              className={status.data.reachable ? "database" : "database database-down"}
              title={status.data.problem ?? status.data.database}
              data-testid="database-status"
            >
              <span className="database-dot" aria-hidden="true" />
              {status.data.database}
            </span>
          )}
        </div>
      </header>
      <main className="content">{children}</main>
      <footer className="footer">
        Read-only view of the ForusBots audit database · times in UTC
      </footer>
    </div>
  );
}

export function PageHeader({
  title,
  subtitle,
  actions,
}: {
  title: ReactNode;
  subtitle?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <div className="page-header">
      <div>
        <h1>{title}</h1>
        {subtitle !== undefined && <p className="subtitle">{subtitle}</p>}
      </div>
      {actions !== undefined && <div className="page-actions">{actions}</div>}
    </div>
  );
}

export function Card({
  title,
  aside,
  children,
  className,
}: {
  title?: ReactNode;
  aside?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  return (
    <section className={className === undefined ? "card" : `card ${className}`}>
      {title !== undefined && (
        <div className="card-header">
          <h2>{title}</h2>
          {aside}
        </div>
      )}
      {children}
    </section>
  );
}
