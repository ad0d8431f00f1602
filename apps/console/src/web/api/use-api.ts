import { type QueryClient, useQuery } from "@tanstack/react-query";
import { ApiError, fetchJson } from "./fetch-json.ts";
import { useRefetchInterval } from "./live-refresh.tsx";

export type ApiState<T> =
  | { status: "loading" }
  | { status: "ready"; data: T; refreshing: boolean }
  | { status: "failed"; error: ApiError };

const asApiError = (error: unknown): ApiError =>
  error instanceof ApiError ? error : new ApiError("internal", String(error), 0);

export interface ApiOptions<T> {
  /** Whether the answer can still change; when it says no, the page stops asking. */
  changing?: (data: T) => boolean;
}

/**
 * Loads `path` with TanStack Query (again whenever it changes, a newer path cancelling the older
 * request) and, while live refresh is on, every interval: the page updates in place, keeping
 * what it shows while it asks.
 */
export function useApi<T>(path: string, options: ApiOptions<T> = {}): ApiState<T> {
  const interval = useRefetchInterval();
  const query = useQuery({
    queryKey: [path],
    queryFn: ({ signal }) => fetchJson<T>(path, signal),
    refetchInterval: (current) => {
      const data = current.state.data;
      if (data !== undefined && options.changing !== undefined && !options.changing(data)) {
        return false;
      }
      return interval;
    },
  });
  if (query.status === "error") return { status: "failed", error: asApiError(query.error) };
  if (query.status === "pending") return { status: "loading" };
  return { status: "ready", data: query.data, refreshing: query.isFetching };
}

/**
 * Failed reads are not retried on their own: the page says what failed at once (the database
 * down, a bad parameter), and a live page asks again at its next interval anyway.
 */
export const queryClientOptions: ConstructorParameters<typeof QueryClient>[0] = {
  defaultOptions: { queries: { retry: false, staleTime: 1_000 } },
};

/** A query string from the parameters that are set, so URLs stay short and readable. */
export function queryString(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== "") search.set(key, value);
  }
  const text = search.toString();
  return text === "" ? "" : `?${text}`;
}
