import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmulatorHandle, startEmulator } from "../../src/emulator/index.js";
import { tempDir, writeManifest } from "../helpers/app.js";
import { runCli } from "../helpers/cli.js";
import { tinyPng } from "../helpers/images.js";

/**
 * `file:` inputs converge whatever the API echoes for uploaded bytes (issue 11, part 1): with
 * `--hosted-urls on` the API answers a byte upload with a hosted `image.url`; with `off`, with no
 * URL. Either way, apply → plan says `No changes` and a second apply writes nothing.
 */
let work: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  work = await tempDir();
});
afterAll(async () => {
  await work.cleanup();
});

async function fileManifest(dir: string, name: string, count: number): Promise<string> {
  await mkdir(join(dir, "images"), { recursive: true });
  const inputs = [];
  for (let i = 0; i < count; i++) {
    await writeFile(join(dir, "images", `${i}.png`), tinyPng(i));
    inputs.push({ id: `file-${i}`, file: `images/${i}.png`, concepts: ["cat"] });
  }
  return writeManifest(join(dir, "dataset.yaml"), name, inputs);
}

for (const hostedUrls of ["on", "off"] as const) {
  describe(`file inputs against an API with hosted URLs ${hostedUrls}`, () => {
    let em: EmulatorHandle;
    beforeAll(async () => {
      em = await startEmulator({ port: 0, db: ":memory:", indexDelayMs: 0, hostedUrls });
    });
    afterAll(async () => {
      await em.close();
    });

    it("apply, then plan says No changes, and a second apply posts nothing", async () => {
      const dir = join(work.dir, `hosted-${hostedUrls}`);
      const path = await fileManifest(dir, "files", 3);
      const target = ["--api-base", em.url, "--pat", "t", "--user-id", "u", "--app-id", "files"];
      const applied = await runCli(["apply", path, "--yes", ...target]);
      expect(applied.code, applied.stderr).toBe(0);
      expect(applied.stdout).toContain("Apply complete: 3 created");

      const stream = await fetch(`${em.url}/v2/users/u/apps/files/inputs/stream`, {
        headers: { authorization: "Key t" },
      });
      const live = (await stream.json()) as { inputs: { data: { image: { url?: string } } }[] };
      // The emulator answers as configured: a hosted URL with "on", none with "off".
      for (const input of live.inputs) {
        if (hostedUrls === "on") expect(input.data.image.url).toMatch(/\/_hosted\/orig\//);
        else expect(input.data.image.url).toBeUndefined();
      }

      const planned = await runCli(["plan", path, ...target]);
      expect(planned.code, planned.stderr).toBe(0);
      expect(planned.stdout).toContain("No changes. The app matches the manifest (3 inputs).");
      const again = await runCli(["apply", path, "--yes", ...target]);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toContain("No changes.");
    });
  });
}
