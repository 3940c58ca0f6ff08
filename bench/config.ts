/** What a benchmark run measures: the full suite, or the quick one. */

/** Sizes and repetitions of one run. */
export interface SuiteConfig {
  mode: "full" | "quick";
  /** Plan with the app in sync with the manifest, per N. */
  planSync: number[];
  /** Plan with 1% of inputs changed, and against an empty app, per N. */
  planChanged: number[];
  /** Stage-by-stage timing of a plan in sync, per N. */
  planStages: number[];
  /** Measured pairs (baseline, tool) per plan scenario, by N; one when absent. */
  planReps: Record<number, number>;
  /** `dataset validate` on a gen-manifest.ts manifest of this size. */
  validate: number;
  apply: number[];
  applyConcurrency: number[];
  applyLatencyMs: number[];
  /** Measured pairs per apply configuration, by N; one when absent. */
  applyReps: Record<number, number>;
  /** End-to-end `dataset apply` with indexing delay 1 s, counting polling requests, per N. */
  wait: number[];
}

export const FULL: SuiteConfig = {
  mode: "full",
  planSync: [10_000, 100_000, 1_000_000],
  planChanged: [100_000, 1_000_000],
  planStages: [100_000, 1_000_000],
  planReps: { 10000: 3, 100000: 2 },
  validate: 100_000,
  apply: [10_000, 20_000, 100_000],
  applyConcurrency: [1, 4, 16],
  applyLatencyMs: [0, 50],
  applyReps: { 10000: 2, 100000: 2 },
  wait: [10_000, 100_000],
};

export const QUICK: SuiteConfig = {
  mode: "quick",
  planSync: [10_000],
  planChanged: [10_000],
  planStages: [10_000],
  planReps: {},
  validate: 10_000,
  apply: [10_000],
  applyConcurrency: [1, 4, 16],
  applyLatencyMs: [0, 50],
  applyReps: {},
  wait: [5_000],
};
