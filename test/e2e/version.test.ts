import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { VERSION } from "../../src/cli/version.js";
import { runCli } from "../helpers/cli.js";

const packageVersion = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  }
).version;

describe("dataset --version", () => {
  it("prints package.json's version, before loading the command parser and as part of it", async () => {
    expect(VERSION).toBe(packageVersion);
    for (const args of [["--version"], ["-V"], ["--version", "--no-color"]]) {
      const r = await runCli(args);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(`${packageVersion}\n`);
    }
  });

  it("still fails on an unknown option, through the command parser", async () => {
    const r = await runCli(["--versoin"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unknown option '--versoin'/);
  });
});
