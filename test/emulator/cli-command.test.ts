import { describe, expect, it } from "vitest";
import { emulatorCommand, emulatorOptionsFromFlags } from "../../src/cli/commands/emulator.js";
import { captureIO } from "../../src/cli/io.js";
import { UserError } from "../../src/errors.js";

function harness() {
  let interrupt: ((signal: "SIGINT" | "SIGTERM") => void) | undefined;
  const io = captureIO({
    onInterrupt: (handler) => {
      interrupt = handler;
      return () => {
        interrupt = undefined;
      };
    },
  });
  const command = emulatorCommand(io)
    .exitOverride()
    .configureOutput({ writeErr: () => {}, writeOut: () => {} });
  return {
    io,
    command,
    interrupt: (signal: "SIGINT" | "SIGTERM" = "SIGINT") => interrupt?.(signal),
  };
}

async function listeningUrl(io: { stdout: string[] }): Promise<string> {
  for (let i = 0; i < 500; i++) {
    const line = io.stdout.find((l) => l.includes("listening on"));
    const url = line && /listening on (http:\/\/\S+)/.exec(line)?.[1];
    if (url) return url;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error("the emulator did not start");
}

describe("dataset emulator", () => {
  it("prints where it listens, serves the API and stops on SIGINT", async () => {
    const { io, command, interrupt } = harness();
    const running = command.parseAsync(
      ["--port", "0", "--db", ":memory:", "--app", "acme/catalog", "--pat", "tok"],
      {
        from: "user",
      },
    );
    const url = await listeningUrl(io);
    expect(io.stdout[0]).toMatch(
      /^Clarifai-compatible emulator listening on http:\/\/127\.0\.0\.1:\d+ \(store: :memory:\)$/,
    );
    const r = await fetch(`${url}/v2/inputs/status`, { headers: { authorization: "Key tok" } });
    expect(((await r.json()) as { status: { code: number } }).status.code).toBe(10000);
    interrupt();
    await running;
    expect(io.stderr.join("\n")).toContain("SIGINT");
    await expect(fetch(`${url}/v2/inputs/status`)).rejects.toThrow();
  });

  it("stops on SIGTERM", async () => {
    const { io, command, interrupt } = harness();
    const running = command.parseAsync(["--port", "0", "--db", ":memory:"], { from: "user" });
    await listeningUrl(io);
    interrupt("SIGTERM");
    await running;
    expect(io.stderr.join("\n")).toContain("SIGTERM");
  });

  it("refuses bad options before starting", async () => {
    await expect(harness().command.parseAsync(["--app", "nope"], { from: "user" })).rejects.toThrow(
      UserError,
    );
    await expect(
      harness().command.parseAsync(["--fault-rate", "2"], { from: "user" }),
    ).rejects.toThrow(/between 0 and 1/);
    await expect(
      harness().command.parseAsync(["--fail-url", "("], { from: "user" }),
    ).rejects.toThrow(UserError);
    await expect(harness().command.parseAsync(["--port", "abc"], { from: "user" })).rejects.toThrow(
      /--port must be/,
    );
    await expect(
      harness().command.parseAsync(["--download", "maybe"], { from: "user" }),
    ).rejects.toThrow();
    await expect(
      harness().command.parseAsync(["--hosted-urls", "yes"], { from: "user" }),
    ).rejects.toThrow(/--hosted-urls/);
  });

  it("--hosted-urls on (default) answers uploads with a URL under its own origin, off without", async () => {
    const png = Buffer.from(
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
      "base64",
    );
    for (const mode of ["off", undefined] as const) {
      const { io, command, interrupt } = harness();
      const flags = ["--port", "0", "--db", ":memory:"];
      const running = command.parseAsync(mode ? [...flags, "--hosted-urls", mode] : flags, {
        from: "user",
      });
      const url = await listeningUrl(io);
      const r = await fetch(`${url}/v2/users/acme/apps/catalog/inputs`, {
        method: "POST",
        headers: { authorization: "Key tok" },
        body: JSON.stringify({
          inputs: [{ id: "up", data: { image: { base64: png.toString("base64") } } }],
        }),
      });
      const image = ((await r.json()) as { inputs: { data: { image: { url?: string } } }[] })
        .inputs[0]?.data.image;
      // The default is on, as the API answers byte uploads.
      if (mode === undefined) {
        expect(image?.url).toMatch(new RegExp(`^${url}/_hosted/orig/users/acme/`));
      } else expect(image).toEqual({});
      interrupt();
      await running;
    }
  });

  it("maps every flag to the library option", () => {
    expect(
      emulatorOptionsFromFlags({
        port: 1,
        host: "::1",
        db: "x.db",
        pat: "p",
        app: "u/a",
        indexDelayMs: 5,
        download: "fetch",
        hostedUrls: "on",
        failUrl: "bad",
        deleteDelayMs: 6,
        rateLimit: 7,
        faultRate: 0.5,
        seed: 8,
        latencyMs: 9,
      }),
    ).toEqual({
      port: 1,
      host: "::1",
      db: "x.db",
      pat: "p",
      app: { userId: "u", appId: "a" },
      indexDelayMs: 5,
      download: "fetch",
      hostedUrls: "on",
      failUrl: /bad/,
      deleteDelayMs: 6,
      rateLimit: 7,
      faultRate: 0.5,
      seed: 8,
      latencyMs: 9,
    });
  });
});
