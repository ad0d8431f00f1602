import { describe, expect, it } from "vitest";
import { DATASET_END, type GeneratedJob, generateJobs, STAGE_NAMES } from "./generate-jobs.ts";
import { generatedJobEvents } from "./generated-job-events.ts";

const shape = { jobs: 10_000, bots: 50, days: 90, seed: 7 };
const all = (seed = shape.seed): GeneratedJob[] => [...generateJobs({ ...shape, seed })];
const share = (jobs: GeneratedJob[], test: (job: GeneratedJob) => boolean) =>
  jobs.filter(test).length / jobs.length;

describe("the generated data set", () => {
  const jobs = all();

  it("is the same for the same seed and different for another", () => {
    expect(all()).toEqual(jobs);
    expect(all(8)[0]?.jobId).not.toBe(jobs[0]?.jobId);
  });

  it("has the requested number of jobs, each with its own v4-shaped UUID", () => {
    expect(jobs).toHaveLength(10_000);
    expect(new Set(jobs.map((job) => job.jobId)).size).toBe(10_000);
    for (const job of jobs) {
      expect(job.jobId).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    }
  });

  it("spreads jobs over the 50 bots and the 90 days before the end, in order", () => {
    expect(new Set(jobs.map((job) => job.botId)).size).toBe(50);
    const first = DATASET_END.getTime() - 90 * 86_400_000;
    let previous = first;
    for (const job of jobs) {
      expect(job.acceptedAt.getTime()).toBeGreaterThanOrEqual(previous);
      previous = job.acceptedAt.getTime();
    }
    expect(previous).toBeLessThan(DATASET_END.getTime());
    // The first job lands in the first of 10,000 equal slices, the last in the last.
    expect(jobs[0]?.acceptedAt.getTime()).toBeLessThan(first + (90 * 86_400_000) / 10_000);
  });

  it("mixes states as set: 80 % succeeded, 10 % failed, 3 % canceled, 4 % running, 3 % queued", () => {
    // 10,000 draws: the binomial standard deviation of an 80 % share is 0.4 %; allow 1.5 %.
    expect(Math.abs(share(jobs, (job) => job.state === "succeeded") - 0.8)).toBeLessThan(0.015);
    expect(Math.abs(share(jobs, (job) => job.state === "failed") - 0.1)).toBeLessThan(0.015);
    expect(Math.abs(share(jobs, (job) => job.state === "canceled") - 0.03)).toBeLessThan(0.015);
    expect(Math.abs(share(jobs, (job) => job.state === "running") - 0.04)).toBeLessThan(0.015);
    expect(Math.abs(share(jobs, (job) => job.state === "queued") - 0.03)).toBeLessThan(0.015);
  });

  it("gives every started job 2 to 4 stages, 3 on average, starting with login", () => {
    const started = jobs.filter((job) => job.startedAt !== null);
    for (const job of started) {
      expect(job.stages.length).toBeGreaterThanOrEqual(2);
      expect(job.stages.length).toBeLessThanOrEqual(4);
      expect(job.stages[0]?.stageName).toBe("login");
      expect(new Set(job.stages.map((stage) => stage.stageName)).size).toBe(job.stages.length);
      for (const stage of job.stages) expect(STAGE_NAMES).toContain(stage.stageName);
    }
    const mean = started.reduce((sum, job) => sum + job.stages.length, 0) / started.length;
    expect(mean).toBeCloseTo(3, 1);
    for (const job of jobs.filter((candidate) => candidate.startedAt === null)) {
      expect(job.stages).toEqual([]);
    }
  });

  it("ends a failed job with a failed stage and an error message, and only a failed one", () => {
    for (const job of jobs) {
      const last = job.stages.at(-1);
      expect(last?.status === "fail").toBe(job.state === "failed");
      expect(job.errorMessage !== null).toBe(job.state === "failed");
    }
  });

  it("keeps each job's timestamps in lifecycle order", () => {
    for (const job of jobs) {
      const times = [
        job.acceptedAt,
        job.startedAt,
        ...job.stages.flatMap((stage) => [stage.startedAt, stage.endedAt]),
        job.finishedAt,
      ].flatMap((time) => (time ? [time.getTime()] : []));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(job.finishedAt === null).toBe(job.state === "queued" || job.state === "running");
    }
  });
});

describe("a job as events", () => {
  it("is accepted, started, one event per stage, finished — only what happened", () => {
    const jobs = all();
    const failed = jobs.find((job) => job.state === "failed" && job.stages.length === 3);
    const queued = jobs.find((job) => job.state === "queued");
    expect(failed && generatedJobEvents(failed).map((event) => event.type)).toEqual([
      "job.accepted",
      "job.started",
      "stage",
      "stage",
      "stage",
      "job.finished",
    ]);
    expect(queued && generatedJobEvents(queued)).toEqual([
      {
        type: "job.accepted",
        jobId: queued?.jobId,
        botId: queued?.botId,
        at: queued?.acceptedAt.toISOString(),
        meta: queued?.meta,
      },
    ]);
  });
});
