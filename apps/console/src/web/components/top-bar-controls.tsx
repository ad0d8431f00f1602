import { type FormEvent, useState } from "react";
import { useNavigate } from "react-router";
import { REFRESH_INTERVALS_MS, useLiveRefresh } from "../api/live-refresh.tsx";

/** The top bar's search: a job id, an id prefix or a bot id, answered by the search page. */
export function SearchBox() {
  const navigate = useNavigate();
  const [text, setText] = useState("");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const query = text.trim();
    if (query === "") return;
    navigate(`/search?${new URLSearchParams({ q: query }).toString()}`);
    setText("");
  };
  return (
    <search className="search">
      <form onSubmit={submit}>
        <label className="visually-hidden" htmlFor="search-input">
          Find a job id, id prefix or bot
        </label>
        <input
          id="search-input"
          type="search"
          name="q"
          placeholder="Job id, prefix or bot…"
          autoComplete="off"
          spellCheck={false}
          value={text}
          onChange={(event) => setText(event.target.value)}
        />
      </form>
    </search>
  );
}

const secondsLabel = (ms: number) => `${ms / 1_000} s`;

/** Live refresh on or off, and how often; pages poll only while the tab is visible. */
export function LiveToggle() {
  const { live, intervalMs, setLive, setIntervalMs } = useLiveRefresh();
  return (
    <div className="live" data-testid="live-refresh">
      <label className="live-switch">
        <input
          type="checkbox"
          name="live"
          checked={live}
          onChange={(event) => setLive(event.target.checked)}
        />
        <span className={live ? "live-dot live-on" : "live-dot"} aria-hidden="true" />
        Live
      </label>
      <label>
        <span className="visually-hidden">Refresh every</span>
        <select
          name="interval"
          className="live-interval"
          value={intervalMs}
          disabled={!live}
          onChange={(event) => {
            const chosen = REFRESH_INTERVALS_MS.find((ms) => ms === Number(event.target.value));
            if (chosen !== undefined) setIntervalMs(chosen);
          }}
        >
          {[...REFRESH_INTERVALS_MS]
            .sort((a, b) => a - b)
            .map((ms) => (
              <option key={ms} value={ms}>
                {secondsLabel(ms)}
              </option>
            ))}
        </select>
      </label>
    </div>
  );
}
