/**
 * The one I/O host every command writes through: results to stdout, notices and progress to
 * stderr. Tests pass a capturing host; the bin entry passes the process's streams.
 */
/** The signals that ask a command to stop. */
export type StopSignal = "SIGINT" | "SIGTERM";

/** How a confirmation prompt was answered. */
type ConfirmAnswer = "yes" | "no" | "cancelled";

export interface CliIO {
  /** Write a result line (or text) to stdout. */
  out(text: string): void;
  /** Write text to stdout exactly as given (no newline added), for output made in pieces. */
  write(text: string): void;
  /** The stream a live progress display draws on (stderr), when it is a terminal. */
  progressStream?: NodeJS.WritableStream;
  /** Write a notice, warning or progress line to stderr. */
  err(text: string): void;
  /** Whether stdout / stderr are terminals. */
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  /** Whether colour is allowed on stdout / stderr (TTY and NO_COLOR unset). */
  colorOut: boolean;
  colorErr: boolean;
  env: Record<string, string | undefined>;
  cwd: string;
  /**
   * Ask a yes/no question on the terminal (only called when stdin and stderr are TTYs): `yes` only
   * for the answer "yes"; `cancelled` for Ctrl-C, end of input (Ctrl-D), or `signal` aborting.
   */
  confirm(question: string, signal?: AbortSignal): Promise<ConfirmAnswer>;
  stdinIsTTY: boolean;
  /**
   * Register a handler for SIGINT (Ctrl-C) and SIGTERM (what CI sends when it cancels a job);
   * returns a function that unregisters it. A second signal quits at once.
   */
  onInterrupt(handler: (signal: StopSignal) => void): () => void;
}

export function processIO(): CliIO {
  const env = process.env;
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== "";
  const stdoutIsTTY = Boolean(process.stdout.isTTY);
  const stderrIsTTY = Boolean(process.stderr.isTTY);
  return {
    out: (text) => {
      process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
    },
    err: (text) => {
      process.stderr.write(text.endsWith("\n") ? text : `${text}\n`);
    },
    write: (text) => {
      process.stdout.write(text);
    },
    progressStream: process.stderr,
    stdoutIsTTY,
    stderrIsTTY,
    colorOut: stdoutIsTTY && !noColor,
    colorErr: stderrIsTTY && !noColor,
    env,
    cwd: process.cwd(),
    stdinIsTTY: Boolean(process.stdin.isTTY),
    confirm: async (question, signal) => {
      const { createInterface } = await import("node:readline");
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      return new Promise<ConfirmAnswer>((resolve) => {
        let settled = false;
        const settle = (answer: ConfirmAnswer) => {
          if (settled) return;
          settled = true;
          signal?.removeEventListener("abort", cancel);
          // Ctrl-C or Ctrl-D leaves the cursor after the question: end that line first.
          if (answer === "cancelled") process.stderr.write("\n");
          rl.close();
          resolve(answer);
        };
        const cancel = () => settle("cancelled");
        if (signal?.aborted) return cancel();
        signal?.addEventListener("abort", cancel, { once: true });
        rl.on("SIGINT", cancel); // Ctrl-C on a terminal in raw mode
        rl.on("close", cancel); // end of input (Ctrl-D)
        rl.question(`${question} `, (answer) =>
          settle(answer.trim().toLowerCase() === "yes" ? "yes" : "no"),
        );
      });
    },
    onInterrupt: (handler) => {
      let received = 0;
      const listener = (signal: StopSignal) => {
        received++;
        // A second signal quits at once, as users expect; the first one lets work in flight finish.
        if (received > 1) process.exit(signal === "SIGTERM" ? 143 : 130);
        handler(signal);
      };
      process.on("SIGINT", listener);
      process.on("SIGTERM", listener);
      return () => {
        process.off("SIGINT", listener);
        process.off("SIGTERM", listener);
      };
    },
  };
}

/** A host that captures everything, for tests. */
export function captureIO(
  overrides: Partial<CliIO> = {},
): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (text) => stdout.push(text),
    write: (text) => stdout.push(text),
    err: (text) => stderr.push(text),
    stdoutIsTTY: false,
    stderrIsTTY: false,
    colorOut: false,
    colorErr: false,
    env: {},
    cwd: process.cwd(),
    stdinIsTTY: false,
    confirm: async () => "no",
    onInterrupt: () => () => {},
    ...overrides,
  };
}
