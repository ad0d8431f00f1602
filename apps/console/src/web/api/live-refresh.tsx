import { createContext, type ReactNode, useContext, useState } from "react";

/** How often a live page asks again, in ms; the first is the default. */
export const REFRESH_INTERVALS_MS = [5_000, 2_000, 15_000, 60_000] as const;
export type RefreshInterval = (typeof REFRESH_INTERVALS_MS)[number];

export interface LiveRefresh {
  /** Whether pages poll; off, they show what they loaded until reloaded. */
  live: boolean;
  intervalMs: RefreshInterval;
  setLive: (live: boolean) => void;
  setIntervalMs: (intervalMs: RefreshInterval) => void;
}

const STORAGE_KEY = "forusbots-console-live";

/** The operator's choice survives a reload; anything unreadable falls back to the default. */
function storedChoice(): { live: boolean; intervalMs: RefreshInterval } {
  const fallback = { live: true, intervalMs: REFRESH_INTERVALS_MS[0] };
  try {
    const stored: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? "null");
    if (typeof stored !== "object" || stored === null) return fallback;
    const live = "live" in stored && typeof stored.live === "boolean" ? stored.live : true;
    const intervalMs =
      REFRESH_INTERVALS_MS.find((ms) => "intervalMs" in stored && stored.intervalMs === ms) ??
      fallback.intervalMs;
    return { live, intervalMs };
  } catch {
    return fallback;
  }
}

const LiveRefreshContext = createContext<LiveRefresh | undefined>(undefined);

export function LiveRefreshProvider({ children }: { children: ReactNode }) {
  const [choice, setChoice] = useState(storedChoice);
  const update = (next: typeof choice) => {
    setChoice(next);
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
    } catch {
      // A browser that keeps nothing (private mode, storage full) still polls as chosen.
    }
  };
  const value: LiveRefresh = {
    ...choice,
    setLive: (live) => update({ ...choice, live }),
    setIntervalMs: (intervalMs) => update({ ...choice, intervalMs }),
  };
  return <LiveRefreshContext.Provider value={value}>{children}</LiveRefreshContext.Provider>;
}

export function useLiveRefresh(): LiveRefresh {
  const value = useContext(LiveRefreshContext);
  if (value === undefined) throw new Error("useLiveRefresh outside LiveRefreshProvider");
  return value;
}

/**
 * The `refetchInterval` of a live query: the chosen interval, or none when live is off or the
 * data says nothing will change (a finished job). TanStack Query skips it while the tab is
 * hidden (refetchIntervalInBackground is off) and asks again when the tab comes back.
 */
export function useRefetchInterval(): number | false {
  const { live, intervalMs } = useLiveRefresh();
  return live ? intervalMs : false;
}
