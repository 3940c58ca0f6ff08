/**
 * `dataset export` over HTTP against the real emulator: what the written manifest declares, that
 * it loads, that planning it against the same app changes no data, part files and JSONL. The
 * download of byte uploads runs against a small hosted-image server (the emulator in this branch
 * does not serve hosted images), which also checks that the token goes nowhere else.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { ApiClient } from "../../src/api/client.js";
import type { ApiInput } from "../../src/api/types.js";
import { runExport } from "../../src/cli/commands/export.js";
import { exitCodeOf } from "../../src/cli/exit-codes.js";
import { captureIO } from "../../src/cli/io.js";
import { type EmulatorHandle, startEmulator } from "../../src/emulator/index.js";
import { exportApp } from "../../src/export/export-app.js";
import { FIXTURES } from "../e2e/helpers.js";
import { clientFor, mustLoad, planOnly, tempDir } from "../helpers/app.js";

const RED_PNG = readFileSync(join(FIXTURES, "catalog/images/red.png"));
const PAT = "test-token-123";

let work: Awaited<ReturnType<typeof tempDir>>;
let em: EmulatorHandle;
beforeAll(async () => {
  work = await tempDir();
  em = await startEmulator({ port: 0, db: ":memory:", indexDelayMs: 10 });
});
afterAll(async () => {
  await em.close();
  await work.cleanup();
});

const flags = (appId: string) => ({ apiBase: em.url, pat: PAT, userId: "u", appId });

/** Posts `inputs` and waits until none is pending. */
async function seed(api: ApiClient, inputs: ApiInput[]): Promise<void> {
  const reply = await api.postInputs(inputs);
  expect(reply.status.code).toBe(10000);
  for (;;) {
    const counts = await api.getInputCount();
    if (counts.to_process + counts.processing === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const url = (n: number) => ({ url: `https://img.example.com/${n}.jpg` });
const APP_INPUTS: ApiInput[] = [
  {
    id: "a",
    data: {
      image: url(1),
      concepts: [
        { id: "cat", value: 1 },
        { id: "dog", value: 0 },
      ],
      metadata: { n: 100, tags: ["x", "y"], nested: { z: 1, a: "1" } },
    },
  },
  { id: "b", data: { image: { ...url(1), allow_duplicate_url: true } } },
  { id: "c", data: { image: url(2), concepts: [{ id: "cat", value: 1 }] } },
  { id: "d-bytes", data: { image: { base64: RED_PNG.toString("base64") } } },
  { id: "e", data: { image: url(3), metadata: { _dataset: { manifest: "other" } } } },
  { id: "f", data: { image: url(4), metadata: { k: "v", _dataset: { manifest: "team" } } } },
];

describe("dataset export against the emulator", () => {
  let api: ApiClient;
  beforeAll(async () => {
    api = clientFor(em.url, { userId: "u", appId: "shop" });
    await seed(api, APP_INPUTS);
  });
  afterAll(() => api.close());

  it("declares URL inputs with value-0 concepts, metadata and duplicate URLs; warns about the rest", async () => {
    const io = captureIO({ cwd: work.dir });
    const code = await runExport({ ...flags("shop"), name: "team", out: "shop/dataset.yaml" }, io);
    expect(exitCodeOf(code), io.stderr.join("\n")).toBe(0);
    expect(io.stdout.join("\n")).toBe(
      "Exported 4 inputs of 6 from users/u/apps/shop to shop/dataset.yaml.",
    );
    const stderr = io.stderr.join("\n");
    expect(stderr).toContain("warning: left out 1 input uploaded as bytes (d-bytes)");
    expect(stderr).toContain("--download DIR");
    expect(stderr).toContain("Left out 1 input (1 owned by other)");

    const path = join(work.dir, "shop/dataset.yaml");
    const text = await readFile(path, "utf8");
    expect(text).toMatch(
      /^# Exported by `dataset export` from users\/u\/apps\/shop at http:\/\/127\.0\.0\.1:\d+ on \d{4}-\d\d-\d\dT[\d:.]+Z: 4 inputs\.\n# 1 input uploaded as bytes not declared/,
    );
    expect(parse(text)).toEqual({
      version: 1,
      name: "team",
      app: { user_id: "u", app_id: "shop" },
      inputs: [
        {
          id: "a",
          url: "https://img.example.com/1.jpg",
          concepts: ["cat", { id: "dog", value: 0 }],
          metadata: { n: 100, nested: { a: "1", z: 1 }, tags: ["x", "y"] },
          allow_duplicate_url: true,
        },
        { id: "b", url: "https://img.example.com/1.jpg", allow_duplicate_url: true },
        { id: "c", url: "https://img.example.com/2.jpg", concepts: ["cat"] },
        { id: "f", url: "https://img.example.com/4.jpg", metadata: { k: "v" } },
      ],
    });

    // The round trip: no data changes; `a`, `b`, `c` lack the marker, `f` already has it.
    const plan = await planOnly(path, api);
    expect(plan.summary).toMatchObject({ create: 0, replace: 0, recreate: 0, delete: 0 });
    expect(plan.summary.unchanged).toBe(1);
    for (const change of plan.changes) expect(change.action).toBe("adopt");
    expect(plan.changes.map((c) => c.id).sort()).toEqual(["a", "b", "c"]);
  });

  it("writes the same inputs as part files past the part size, and as JSONL", async () => {
    const common = {
      api,
      name: "team",
      app: { user_id: "u", app_id: "shop" },
      appLabel: "users/u/apps/shop",
      filter: { kind: "claimable", name: "team" } as const,
      now: new Date("2025-01-02T03:04:05Z"),
    };
    const single = await mustLoad(join(work.dir, "shop/dataset.yaml"));
    const split = await exportApp({
      ...common,
      out: join(work.dir, "split/dataset.yaml"),
      format: "yaml",
      inputsPerPart: 3,
    });
    expect(split.files.map((f) => f.slice(work.dir.length + 1))).toEqual([
      "split/dataset.yaml",
      "split/dataset.parts/inputs-0001.yaml",
      "split/dataset.parts/inputs-0002.yaml",
    ]);
    const root = parse(await readFile(split.files[0] as string, "utf8"));
    expect(root.include).toEqual([
      "dataset.parts/inputs-0001.yaml",
      "dataset.parts/inputs-0002.yaml",
    ]);
    const loaded = await mustLoad(split.files[0] as string);
    const shape = (m: typeof loaded) =>
      m.inputs.toArray().map(({ id, image, concepts, metadata, allowDuplicateUrl }) => ({
        id,
        image,
        concepts,
        metadata,
        allowDuplicateUrl,
      }));
    expect(shape(loaded)).toEqual(shape(single));

    const jsonl = await exportApp({
      ...common,
      out: join(work.dir, "jsonl/dataset.yaml"),
      format: "jsonl",
    });
    expect(parse(await readFile(jsonl.files[0] as string, "utf8"))).toMatchObject({
      sources: [{ jsonl: "dataset.jsonl" }],
    });
    const lines = (await readFile(jsonl.files[1] as string, "utf8")).trimEnd().split("\n");
    expect(lines.map((line) => JSON.parse(line))).toEqual(
      parse(await readFile(join(work.dir, "shop/dataset.yaml"), "utf8")).inputs,
    );
  });

  it("refuses conflicting ownership flags and a bad name, in one line each", async () => {
    const io = captureIO({ cwd: work.dir });
    await expect(runExport({ ...flags("shop"), all: true, unowned: true }, io)).rejects.toThrow(
      "--owned-by, --unowned and --all exclude each other",
    );
    await expect(runExport({ ...flags("shop"), name: "Bad Name" }, io)).rejects.toThrow(
      '--name must be a manifest name (lowercase letters, digits, _ and -, at most 63): "Bad Name"',
    );
  });
});

describe("--download against an API that hosts byte uploads", () => {
  let hosted: Server;
  let elsewhere: Server;
  let base = "";
  const seen: { path: string; auth: string | undefined }[] = [];
  const foreign: IncomingMessage[] = [];
  const suffix = "users/u/apps/pics/inputs/image/0123456789abcdef0123456789abcdef";

  beforeAll(async () => {
    elsewhere = createServer((req, res) => {
      foreign.push(req);
      res.end("no");
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, "127.0.0.1", resolve));
    const otherPort = (elsewhere.address() as AddressInfo).port;
    hosted = createServer((req, res) => {
      seen.push({ path: req.url ?? "", auth: req.headers.authorization });
      const reqUrl = new URL(req.url ?? "", base);
      if (reqUrl.pathname.endsWith("/inputs/stream")) {
        const inputs = reqUrl.searchParams.has("last_id")
          ? []
          : [
              {
                id: "pic",
                data: {
                  image: { url: `${base}/orig/${suffix}`, hosted: { prefix: base, suffix } },
                  concepts: [{ id: "red", value: 1 }],
                },
                status: { code: 30000 },
              },
              {
                id: "stray",
                data: {
                  image: { hosted: { prefix: `http://localhost:${otherPort}`, suffix: "x" } },
                },
                status: { code: 30000 },
              },
            ];
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ status: { code: 10000 }, inputs }));
        return;
      }
      if (reqUrl.pathname === `/orig/${suffix}` && req.headers.authorization === `Key ${PAT}`) {
        res.end(RED_PNG);
        return;
      }
      res.statusCode = 404;
      res.end();
    });
    await new Promise<void>((resolve) => hosted.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(hosted.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => hosted.close(resolve));
    await new Promise((resolve) => elsewhere.close(resolve));
  });

  it("saves the hosted image named by its sha256, declares it as a file, and keeps the token home", async () => {
    const io = captureIO({ cwd: work.dir });
    const code = await runExport(
      {
        apiBase: base,
        pat: PAT,
        userId: "u",
        appId: "pics",
        out: "pics/dataset.yaml",
        download: "pics/images",
      },
      io,
    );
    expect(exitCodeOf(code), io.stderr.join("\n")).toBe(0);
    const sha = createHash("sha256").update(RED_PNG).digest("hex");
    const manifest = parse(await readFile(join(work.dir, "pics/dataset.yaml"), "utf8"));
    expect(manifest.inputs).toEqual([{ id: "pic", file: `images/${sha}.png`, concepts: ["red"] }]);
    expect(await readFile(join(work.dir, `pics/images/${sha}.png`))).toEqual(RED_PNG);
    const loaded = await mustLoad(join(work.dir, "pics/dataset.yaml"));
    expect(loaded.inputs.inputAt(0).image).toMatchObject({ kind: "file", sha256: sha });

    expect(seen.find((r) => r.path.startsWith("/orig/"))?.auth).toBe(`Key ${PAT}`);
    expect(foreign).toEqual([]);
    const stderr = io.stderr.join("\n");
    expect(stderr).toContain(
      "warning: left out 1 input uploaded as bytes whose image could not be downloaded (stray)",
    );
    expect(stderr).toContain("refusing to send the token to http://localhost:");
    expect(stderr).not.toContain(PAT);
  });
});
