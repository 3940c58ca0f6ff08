/** What a benchmark run found: plain data, rendered by ./report.ts. */
import type { PlanStages } from "./plan-stages.js";

/** One process's cost. */
export interface ProcessCost {
  wallMs: number;
  maxRssBytes: number;
  cpuMs: number;
}

export type PlanScenario = "in sync" | "1% changed" | "empty app";

export interface PlanRow {
  scenario: PlanScenario;
  n: number;
  /** `dataset plan` (the built CLI) as a child process; medians over `reps`. */
  tool: ProcessCost;
  /** js-yaml of the same files + a raw undici StreamInputs loop; medians over `reps`. */
  baseline: ProcessCost & { parseMs: number; streamMs: number };
  /** tool wall / baseline wall. */
  ratio: number;
  /** StreamInputs requests per run, from the emulator's stats. */
  requests: { tool: number; baseline: number };
  /** Emulator CPU time over the run's wall time (1 = one core busy), median. */
  emulatorCpu: { tool: number; baseline: number };
  reps: number;
  /** The most CPU other processes on the machine used during one of the runs, in cores. */
  otherLoad: number;
  /** Empty when the tool's and the baseline's answers were checked and right. */
  problems: string[];
}

export interface StagesRow {
  n: number;
  stages: PlanStages;
}

export interface ApplyRow {
  n: number;
  latencyMs: number;
  concurrency: number;
  /** Timed part only (posting every batch), medians over `reps`. */
  tool: { ms: number; cpuMs: number };
  baseline: { ms: number; cpuMs: number };
  /** tool time / baseline time. */
  ratio: number;
  requests: { tool: number; baseline: number };
  emulatorCpu: { tool: number; baseline: number };
  reps: number;
  otherLoad: number;
  problems: string[];
}

export interface WaitRow {
  n: number;
  indexDelayMs: number;
  concurrency: number;
  cli: ProcessCost;
  /** Requests per endpoint the emulator answered during the apply. */
  requests: Record<string, number>;
  /** ListInputs + GetInput + GetInputCount requests: what waiting (and checking) cost. */
  polls: number;
  otherLoad: number;
  problems: string[];
}

export interface ValidateRow {
  n: number;
  bytes: number;
  tool: ProcessCost;
  baseline: ProcessCost & { parseMs: number };
  ratio: number;
  otherLoad: number;
  problems: string[];
}

/** `dataset --version` against bare `node -e 0` (issue 16). */
export interface StartupRow {
  /** Runs per side, alternated. */
  runs: number;
  /** Median wall time of `node dist/src/cli/bin.js --version`, spawn to exit. */
  cliMs: number;
  /** Median wall time of `node -e 0`. */
  nodeMs: number;
  /** cliMs − nodeMs. */
  deltaMs: number;
  otherLoad: number;
  problems: string[];
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryBytes: number;
  os: string;
  node: string;
  commit: string;
  date: string;
}

export interface BenchResults {
  mode: "full" | "quick";
  machine: MachineInfo;
  durationMs: number;
  plan: PlanRow[];
  stages: StagesRow[];
  apply: ApplyRow[];
  wait: WaitRow[];
  validate: ValidateRow[];
  /** Absent in results saved before it was measured. */
  startup?: StartupRow[];
}
