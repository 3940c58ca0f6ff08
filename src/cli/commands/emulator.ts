/**
 * `dataset emulator`: serve the Clarifai-compatible inputs API locally (contract §6) until
 * SIGINT or SIGTERM.
 */
import { Command, InvalidArgumentError, Option } from "commander";
import type { EmulatorOptions, startEmulator } from "../../emulator/index.js";
import { parseAppRef } from "../../emulator/options.js";
import { UserError } from "../../errors.js";
import type { CliIO, StopSignal } from "../io.js";
import { sqliteMissingError } from "../sqlite-missing.js";

function numberOption(flag: string, check: (n: number) => boolean, what: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n) || !check(n)) {
      throw new InvalidArgumentError(`${flag} must be ${what}, got "${value}"`);
    }
    return n;
  };
}

const nonNegativeInt = (flag: string) =>
  numberOption(flag, (n) => Number.isInteger(n) && n >= 0, "a non-negative integer");
const nonNegative = (flag: string) => numberOption(flag, (n) => n >= 0, "a non-negative number");

interface EmulatorFlags {
  port: number;
  host: string;
  db: string;
  pat?: string;
  app?: string;
  indexDelayMs?: number;
  download: "skip" | "fetch";
  hostedUrls: "on" | "off";
  failUrl?: string;
  deleteDelayMs?: number;
  rateLimit?: number;
  faultRate?: number;
  seed?: number;
  latencyMs?: number;
}

/** Turns parsed flags into library options (validating what commander cannot). */
export function emulatorOptionsFromFlags(flags: EmulatorFlags): EmulatorOptions {
  const options: EmulatorOptions = {
    port: flags.port,
    host: flags.host,
    db: flags.db,
    download: flags.download,
    hostedUrls: flags.hostedUrls,
  };
  if (flags.pat !== undefined) options.pat = flags.pat;
  if (flags.app !== undefined) {
    try {
      options.app = parseAppRef(flags.app);
    } catch (error) {
      throw new UserError("bad-flag", `--app: ${(error as Error).message}`);
    }
  }
  if (flags.failUrl !== undefined) {
    try {
      options.failUrl = new RegExp(flags.failUrl);
    } catch (error) {
      throw new UserError("bad-flag", `--fail-url: ${(error as Error).message}`);
    }
  }
  if (flags.faultRate !== undefined && flags.faultRate > 1) {
    throw new UserError("bad-flag", `--fault-rate must be between 0 and 1, got ${flags.faultRate}`);
  }
  for (const key of [
    "indexDelayMs",
    "deleteDelayMs",
    "rateLimit",
    "faultRate",
    "seed",
    "latencyMs",
  ] as const) {
    if (flags[key] !== undefined) options[key] = flags[key];
  }
  return options;
}

/** Resolves on the first SIGINT or SIGTERM. */
function untilStopped(io: CliIO): Promise<StopSignal> {
  return new Promise((resolve) => {
    const off = io.onInterrupt((signal) => {
      off();
      resolve(signal);
    });
  });
}

/** The `emulator` command; its action runs until SIGINT/SIGTERM, then closes the server. */
export function emulatorCommand(io: CliIO): Command {
  return new Command("emulator")
    .description("run the local Clarifai-compatible inputs API (SQLite-backed)")
    .option("--port <n>", "TCP port (0 = any free port)", nonNegativeInt("--port"), 8080)
    .option("--host <host>", "interface to bind", "127.0.0.1")
    .option("--db <file>", "SQLite store (:memory: for a throwaway one)", ".dataset/emulator.db")
    .option("--pat <token>", "require this token (otherwise any `Key` token is accepted)")
    .option("--app <user/app>", "the app the short path form /v2/inputs… addresses")
    .option(
      "--index-delay-ms <n>",
      "time from POST to the final indexing status (default 200)",
      nonNegativeInt("--index-delay-ms"),
    )
    .addOption(
      new Option("--download <mode>", "fetch: download each image URL when indexing; skip: never")
        .choices(["skip", "fetch"])
        .default("skip"),
    )
    .addOption(
      new Option(
        "--hosted-urls <mode>",
        "on: inputs uploaded as bytes come back with a hosted image.url the emulator serves (as the API does); off: the older shape",
      )
        .choices(["on", "off"])
        .default("on"),
    )
    .option("--fail-url <regex>", "inputs whose URL matches fail indexing")
    .option(
      "--delete-delay-ms <n>",
      "how long a deleted input keeps its id (default 0)",
      nonNegativeInt("--delete-delay-ms"),
    )
    .option(
      "--rate-limit <rps>",
      "answer HTTP 429 above this many requests per second",
      nonNegative("--rate-limit"),
    )
    .option(
      "--fault-rate <p>",
      "fraction of requests failed with an injected 5xx (0–1)",
      nonNegative("--fault-rate"),
    )
    .option("--seed <n>", "seed of the fault injector (default 1)", nonNegativeInt("--seed"))
    .option("--latency-ms <n>", "latency added to every response", nonNegativeInt("--latency-ms"))
    .action(async (flags: EmulatorFlags) => {
      const options = emulatorOptionsFromFlags(flags);
      let emulator: Awaited<ReturnType<typeof startEmulator>>;
      try {
        // Loaded on use: the server and its SQLite binding cost start-up time other commands skip.
        const { startEmulator } = await import("../../emulator/index.js");
        emulator = await startEmulator(options);
      } catch (error) {
        const missing = sqliteMissingError("dataset emulator", error);
        if (missing !== undefined) throw missing;
        const message = (error as Error).message;
        const hint =
          (error as { code?: string }).code === "EADDRINUSE" ? "choose another --port" : undefined;
        throw new UserError("emulator-start", `cannot start the emulator: ${message}`, {
          cause: error,
          ...(hint ? { hint } : {}),
        });
      }
      io.out(`Clarifai-compatible emulator listening on ${emulator.url} (store: ${flags.db})`);
      const signal = await untilStopped(io);
      io.err(`${signal} received; stopping the emulator.`);
      await emulator.close();
    });
}
