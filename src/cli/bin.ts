#!/usr/bin/env node
import { type Outcome, SUCCESS, UserError } from "../errors.js";
import { exitCodeOf } from "./exit-codes.js";
import { processIO } from "./io.js";
import { VERSION } from "./version.js";

/**
 * The bin entry: the only place that exits. User errors print one line (and a hint); anything
 * else prints "internal error" with the stack only under DEBUG=dataset.
 */
async function main(): Promise<number> {
  // `dataset --version` answers before the command parser is even loaded (start-up time).
  const args = process.argv.slice(2);
  if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const io = processIO();
  const result: { outcome: Outcome } = { outcome: SUCCESS };
  const debug = /(^|,)dataset(,|$)/.test(process.env.DEBUG ?? "");
  try {
    const { buildProgram } = await import("./program.js");
    await buildProgram(io, result).parseAsync(process.argv);
    return exitCodeOf(result.outcome);
  } catch (error) {
    return exitCodeFor(error, io.err, debug);
  }
}

function exitCodeFor(error: unknown, err: (text: string) => void, debug: boolean): number {
  if (isCommanderError(error)) {
    // Commander already printed its message (usage errors); help and version exit 0.
    return error.exitCode === 0 ? 0 : 1;
  }
  if (error instanceof UserError) {
    err(`error: ${error.message}`);
    if (error.hint !== undefined) err(`hint: ${error.hint}`);
    if (debug) err(error.stack ?? "");
    return 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  err(`internal error: ${message}`);
  err(
    debug
      ? ((error as Error)?.stack ?? "")
      : "(run with DEBUG=dataset for details, and please report it)",
  );
  return 1;
}

/** Commander's own exit (usage errors, help, version), recognised without loading commander. */
function isCommanderError(error: unknown): error is { exitCode: number } {
  if (!(error instanceof Error)) return false;
  const { code, exitCode } = error as { code?: unknown; exitCode?: unknown };
  return typeof exitCode === "number" && typeof code === "string" && code.startsWith("commander.");
}

// Exit once stdout and stderr have flushed (pipes are asynchronous on some platforms), and
// explicitly, so that nothing (a kept-alive socket, a timer) keeps a finished command alive.
function exitAfterFlush(code: number): void {
  let pending = 2;
  const done = () => {
    pending--;
    if (pending === 0) process.exit(code);
  };
  process.stdout.write("", done);
  process.stderr.write("", done);
}

main().then(exitAfterFlush, () => exitAfterFlush(1));
