import { writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runApply } from "../../src/cli/commands/apply.js";
import { runPlan } from "../../src/cli/commands/plan.js";
import { captureIO } from "../../src/cli/io.js";
import { type EmulatorHandle, startEmulator } from "../../src/emulator/index.js";
import { SUCCESS } from "../../src/errors.js";
import { clientFor, generatedInputs, liveInputs, tempDir, writeManifest } from "../helpers/app.js";

let work: Awaited<ReturnType<typeof tempDir>>;
let em: EmulatorHandle;
beforeAll(async () => {
  work = await tempDir();
  em = await startEmulator({ port: 0, db: ":memory:", indexDelayMs: 20 });
});
afterAll(async () => {
  await em.close();
  await work.cleanup();
});

const flags = (appId: string) => ({ apiBase: em.url, pat: "test-token-123", userId: "u", appId });

async function count(appId: string): Promise<number> {
  const api = clientFor(em.url, { userId: "u", appId });
  try {
    return (await liveInputs(api)).length;
  } finally {
    await api.close();
  }
}

describe("apply safety", () => {
  it("refuses without --yes when there is no terminal to ask on, and writes nothing", async () => {
    const path = await writeManifest(`${work.dir}/tty.yaml`, "tty", generatedInputs(3));
    const io = captureIO({ cwd: work.dir });
    await expect(runApply(path, flags("tty"), io)).rejects.toThrow(
      "apply needs confirmation, and there is no terminal to ask on; nothing was changed",
    );
    expect(io.stdout.join("\n")).toContain("Plan: 3 to create");
    expect(await count("tty")).toBe(0);
  });

  it("asks on a terminal and does nothing when the answer is not yes", async () => {
    const path = await writeManifest(`${work.dir}/ask.yaml`, "ask", generatedInputs(2));
    const questions: string[] = [];
    const io = captureIO({
      cwd: work.dir,
      stdinIsTTY: true,
      stderrIsTTY: true,
      confirm: async (q) => {
        questions.push(q);
        return "no";
      },
    });
    expect(await runApply(path, flags("ask"), io)).toEqual({ kind: "failed" });
    expect(questions).toHaveLength(1);
    expect(io.stderr).toContain("Apply cancelled; nothing was changed.");
    expect(await count("ask")).toBe(0);
  });

  it("the mass-delete guard refuses more than 50 deletes that are over 25% of the owned inputs", async () => {
    const path = await writeManifest(`${work.dir}/mass.yaml`, "mass", generatedInputs(100));
    expect(
      await runApply(path, { ...flags("mass"), yes: true }, captureIO({ cwd: work.dir })),
    ).toBe(SUCCESS);
    await writeManifest(path, "mass", generatedInputs(40));
    await expect(
      runApply(path, { ...flags("mass"), yes: true, prune: true }, captureIO({ cwd: work.dir })),
    ).rejects.toThrow(
      "refusing to delete 60 inputs (more than 50 and more than 25% of the 100 inputs this manifest owns); nothing was changed",
    );
    expect(await count("mass")).toBe(100);
    const io = captureIO({ cwd: work.dir });
    expect(
      await runApply(path, { ...flags("mass"), yes: true, prune: true, allowMassDelete: true }, io),
    ).toBe(SUCCESS);
    expect(io.stdout.join("\n")).toContain(
      "Apply complete: 0 created, 0 updated, 0 replaced, 60 deleted;",
    );
    expect(await count("mass")).toBe(40);
  });

  it("allows 50 deletes, and more when they are under 25% of what the manifest owns", async () => {
    const path = await writeManifest(`${work.dir}/few.yaml`, "few", generatedInputs(60));
    await runApply(path, { ...flags("few"), yes: true }, captureIO({ cwd: work.dir }));
    await writeManifest(path, "few", generatedInputs(10));
    expect(
      await runApply(
        path,
        { ...flags("few"), yes: true, prune: true },
        captureIO({ cwd: work.dir }),
      ),
    ).toBe(SUCCESS);
    expect(await count("few")).toBe(10);
  });

  it("applies a saved plan exactly, and refuses a stale one without writing anything", async () => {
    const path = await writeManifest(`${work.dir}/saved.yaml`, "saved", generatedInputs(3));
    const planFile = `${work.dir}/plan.json`;
    const planIO = captureIO({ cwd: work.dir });
    expect(await runPlan(path, { ...flags("saved"), out: planFile, format: "json" }, planIO)).toBe(
      SUCCESS,
    );
    // A change lands in the app after the plan was made: the plan is stale.
    await writeManifest(`${work.dir}/other.yaml`, "saved", generatedInputs(1));
    await runApply(
      `${work.dir}/other.yaml`,
      { ...flags("saved"), yes: true },
      captureIO({ cwd: work.dir }),
    );
    await expect(
      runApply(planFile, { ...flags("saved"), yes: true }, captureIO({ cwd: work.dir })),
    ).rejects.toThrow(/^the plan is stale: img-00000 now exists in the app; nothing was changed$/);
    expect(await count("saved")).toBe(1);

    expect(
      await runPlan(
        path,
        { ...flags("saved"), out: planFile, format: "json" },
        captureIO({ cwd: work.dir }),
      ),
    ).toBe(SUCCESS);
    const io = captureIO({ cwd: work.dir });
    expect(await runApply(planFile, { ...flags("saved"), yes: true }, io)).toBe(SUCCESS);
    expect(io.stdout.join("\n")).toContain(
      "Apply complete: 2 created, 0 updated, 0 replaced, 0 deleted; 2 indexed, 0 failed.",
    );
    expect(await count("saved")).toBe(3);
  });

  it("refuses a saved plan whose file changed since it was made", async () => {
    const image = `${work.dir}/cat.png`;
    await writeFile(
      image,
      Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex"),
    );
    const path = `${work.dir}/files.yaml`;
    await writeFile(path, "version: 1\nname: files\ninputs:\n  - id: cat\n    file: cat.png\n");
    const planFile = `${work.dir}/files-plan.json`;
    expect(
      await runPlan(path, { ...flags("files"), out: planFile }, captureIO({ cwd: work.dir })),
    ).toBe(SUCCESS);
    await writeFile(
      image,
      Buffer.from("89504e470d0a1a0a0000000d4948445200000002000000020806000000", "hex"),
    );
    await expect(
      runApply(planFile, { ...flags("files"), yes: true }, captureIO({ cwd: work.dir })),
    ).rejects.toThrow(/the plan is stale: .*cat\.png changed since the plan was made/);
    expect(await count("files")).toBe(0);
  });

  it("refuses a saved plan pointed at another app", async () => {
    const path = await writeManifest(`${work.dir}/where.yaml`, "where", generatedInputs(1));
    const planFile = `${work.dir}/where-plan.json`;
    await runPlan(path, { ...flags("where"), out: planFile }, captureIO({ cwd: work.dir }));
    await expect(
      runApply(planFile, { ...flags("elsewhere"), yes: true }, captureIO({ cwd: work.dir })),
    ).rejects.toThrow(
      /the plan was made for .* u\/where, not .* u\/elsewhere; nothing was changed/,
    );
  });
});
