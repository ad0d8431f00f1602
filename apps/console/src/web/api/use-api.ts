import { useEffect, useState } from "react";
import { ApiError, fetchJson } from "./fetch-json.ts";

export type ApiState<T> =
  | { status: "loading" }
  | { status: "ready"; data: T }
  | { status: "failed"; error: ApiError };

/** Loads `path` (again whenever it changes); a newer path cancels the older request. */
export function useApi<T>(path: string): ApiState<T> {
  const [state, setState] = useState<ApiState<T>>({ status: "loading" });
  useEffect(() => {
    const controller = new AbortController();
    setState({ status: "loading" });
    fetchJson<T>(path, controller.signal).then(
      (data) => setState({ status: "ready", data }),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setState({
          status: "failed",
          error: error instanceof ApiError ? error : new ApiError("internal", String(error), 0),
        });
      },
    );
    return () => controller.abort();
  }, [path]);
  return state;
}

/** A query string from the parameters that are set, so URLs stay short and readable. */
export function queryString(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== "") search.set(key, value);
  }
  const text = search.toString();
  return text === "" ? "" : `?${text}`;
}
