import { Command, type ErrorOptions, InvalidArgumentError, Option } from "commander";
import type { Outcome } from "../errors.js";
import { emulatorCommand } from "./commands/emulator.js";
import { parsePositiveInt, parsePositiveNumber } from "./duration.js";
import { suggestFlag } from "./flag-suggestions.js";
import type { CliIO } from "./io.js";
import { VERSION } from "./version.js";
import { warmLoader } from "./warm-loader.js";

/**
 * Commander, with usage errors in our shape: one `error:` line and one `hint:` line. An unknown
 * flag is answered with the flag it most likely means, including the spellings users bring from
 * Terraform and kubectl (`--auto-approve` → `--yes`, `--dry-run` → `dataset plan`).
 */
class DatasetCommand extends Command {
  override createCommand(name?: string): Command {
    return new DatasetCommand(name);
  }

  /** Commander calls this for an unknown flag (it is not in its typings, but is its extension point). */
  unknownOption(flag: string): never {
    const known: string[] = [];
    for (let command: Command | null = this; command !== null; command = command.parent) {
      for (const option of command.options) if (option.long !== undefined) known.push(option.long);
    }
    const hint = suggestFlag(flag, known);
    return this.error(
      `error: unknown option '${flag}'${hint === undefined ? "" : `\nhint: ${hint}`}`,
      { code: "commander.unknownOption" },
    );
  }

  override error(message: string, options?: ErrorOptions): never {
    // Commander's own suggestion ("(Did you mean plan?)") becomes the hint line.
    const suggested = message.replace(/\n\(Did you mean (.+)\?\)$/, "\nhint: did you mean $1?");
    const path: string[] = [];
    for (let command: Command | null = this; command !== null; command = command.parent) {
      path.unshift(command.name());
    }
    const withHint = suggested.includes("\nhint: ")
      ? suggested
      : `${suggested}\nhint: run \`${path.join(" ")} --help\` for usage`;
    return super.error(withHint, options);
  }
}

function intArg(flag: string) {
  return (value: string) => {
    try {
      return parsePositiveInt(value, flag);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
  };
}

function numberArg(flag: string) {
  return (value: string) => {
    try {
      return parsePositiveNumber(value, flag);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
  };
}

/**
 * The target flags of contract §2, shared by every command that talks to an app; `planning` adds
 * the flags of the commands that plan (plan, apply): --prune and --compact.
 */
function addTargetOptions(command: Command, { planning = true } = {}): Command {
  const withTarget = command
    .option(
      "--api-base <url>",
      "API root (env CLARIFAI_API_BASE; default https://api.clarifai.com)",
    )
    .option("--pat <token>", "personal access token (env CLARIFAI_PAT); never printed")
    .option("--user-id <id>", "the target app's user id (env CLARIFAI_USER_ID)")
    .option("--app-id <id>", "the target app's id (env CLARIFAI_APP_ID)")
    .option("--local [dir]", "use the embedded local app stored in DIR (default .dataset/local)")
    .option(
      "--max-rps <n>",
      "client-side request-rate cap (default 15 for a real app)",
      numberArg("--max-rps"),
    );
  return planning
    ? withTarget
        .option("--prune", "also delete inputs owned by this manifest that it no longer declares")
        .option("--compact", "print only the plan's summary and counts per action")
    : withTarget;
}

/**
 * The command-line program. Each action stores its {@link Outcome} in `result.outcome`; the bin
 * entry maps it to an exit code and is the only place that exits. A command's module is imported when it runs, so start-up loads
 * little more than commander (`validate` never loads undici, nor `plan` the emulator's SQLite).
 */
export function buildProgram(io: CliIO, result: { outcome: Outcome }): Command {
  const program = new DatasetCommand("dataset")
    .description("Dataset-as-code for Clarifai apps: declare inputs in YAML, then plan and apply.")
    .version(VERSION)
    .option("--no-color", "no colours in any output (as NO_COLOR=1 does)")
    .configureOutput({
      writeOut: (text) => io.out(text.replace(/\n$/, "")),
      writeErr: (text) => io.err(text.replace(/\n$/, "")),
    })
    .exitOverride();
  // `--no-color` is global (before or after the command), and means what NO_COLOR means.
  const commandIO = (): CliIO =>
    program.opts().color === false ? { ...io, colorOut: false, colorErr: false } : io;

  program
    .command("validate")
    .description("check a manifest offline (schema and semantic rules); touches no API")
    .argument("<manifest>", "path to the manifest, e.g. dataset.yaml")
    .action(async (manifest: string) => {
      const { runValidate } = await import("./commands/validate.js");
      result.outcome = await runValidate(manifest, commandIO());
    });

  addTargetOptions(
    program
      .command("plan")
      .description("read the live app and print what apply would change")
      .argument("<manifest>", "path to the manifest"),
  )
    .addOption(
      new Option("--format <format>", "output format")
        .choices(["text", "json", "markdown"])
        .default("text"),
    )
    .option("--out <file>", "also save the plan as JSON for a later `dataset apply FILE`")
    .option("--detailed-exitcode", "exit 2 when there are changes, 0 when there are none")
    .action(async (manifest: string, options) => {
      warmLoader();
      const { runPlan } = await import("./commands/plan.js");
      result.outcome = await runPlan(manifest, options, commandIO());
    });

  addTargetOptions(
    program
      .command("apply")
      .description("make the live app match the manifest (or apply a saved plan exactly)")
      .argument("<manifest|plan.json>", "a manifest, or a plan saved with `dataset plan --out`"),
  )
    .option("--yes", "do not ask for confirmation")
    .option("--concurrency <n>", "requests in flight (default 4)", intArg("--concurrency"))
    .option("--no-wait", "do not wait for the new inputs to be indexed")
    .option("--wait-timeout <duration>", "how long to wait for indexing (default 10m)")
    .option("--allow-mass-delete", "lift the mass-delete guard")
    .action(async (source: string, options) => {
      warmLoader();
      const { runApply } = await import("./commands/apply.js");
      result.outcome = await runApply(source, options, commandIO());
    });

  addTargetOptions(
    program
      .command("export")
      .description("write a manifest (YAML or JSONL) declaring the inputs the app holds"),
    { planning: false },
  )
    .option("--out <path>", "the root manifest to write (default dataset.yaml)")
    .addOption(
      new Option("--format <format>", "yaml, or jsonl (inputs in a .jsonl file beside --out)")
        .choices(["yaml", "jsonl"])
        .default("yaml"),
    )
    .option("--name <name>", "the manifest's name (default: from the app id)")
    .option("--owned-by <name>", "only inputs owned by manifest NAME")
    .option("--unowned", "only inputs no manifest owns")
    .option(
      "--all",
      "every input, whoever owns it (default: unowned ones and those owned by --name)",
    )
    .option(
      "--download <dir>",
      "save images uploaded as bytes into DIR (named by sha256) and declare them as files",
    )
    .action(async (options) => {
      const { runExport } = await import("./commands/export.js");
      result.outcome = await runExport(options, commandIO());
    });

  addTargetOptions(
    program
      .command("status")
      .description("the app's input counts; with a manifest, where its inputs stand")
      .argument("[manifest]", "path to the manifest"),
    { planning: false },
  )
    .addOption(
      new Option("--format <format>", "output format").choices(["text", "json"]).default("text"),
    )
    .option(
      "--detailed-exitcode",
      "exit 2 when declared inputs are pending or missing (1 when any failed)",
    )
    .action(async (manifest: string | undefined, options) => {
      const { runStatus } = await import("./commands/status.js");
      result.outcome = await runStatus(manifest, options, commandIO());
    });

  program.addCommand(emulatorCommand(io).copyInheritedSettings(program));
  return program;
}
