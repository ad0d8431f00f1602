/** Settles with `work`, or rejects with `TimedOut` after `ms`; `work` itself is not stopped. */
export class TimedOut extends Error {
  constructor(readonly ms: number) {
    super(`no answer from the database within ${ms} ms`);
    this.name = "TimedOut";
  }
}

export function withinMs<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimedOut(ms)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/** Resolves after `ms`, or as soon as `interrupt` is called. */
export function pause(ms: number): { done: Promise<void>; interrupt: () => void } {
  let interrupt = () => {};
  const done = new Promise<void>((resolve) => {
    // A backoff alone does not keep the process alive: what waits is on disk already.
    const timer = setTimeout(resolve, ms);
    timer.unref();
    interrupt = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  return { done, interrupt };
}
