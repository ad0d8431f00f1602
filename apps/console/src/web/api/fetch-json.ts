import type { ApiErrorBody } from "../../shared/api-types.ts";

export type ApiErrorKind = ApiErrorBody["error"]["kind"] | "network";

/** A failed API call, carrying the server's kind so a page can say what went wrong. */
export class ApiError extends Error {
  constructor(
    readonly kind: ApiErrorKind,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

function isErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== "object" || value === null || !("error" in value)) return false;
  const { error } = value;
  return typeof error === "object" && error !== null && "kind" in error && "message" in error;
}

export async function fetchJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { signal, headers: { Accept: "application/json" } });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError("network", "the console server does not answer", 0);
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    if (isErrorBody(body)) {
      throw new ApiError(body.error.kind, body.error.message, response.status);
    }
    throw new ApiError(
      "internal",
      `the console server answered ${response.status}`,
      response.status,
    );
  }
  return body as T;
}
