import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EmulatorStore, seedStore } from "../../src/emulator/index.js";
import { APP, emulator, urlInput } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "emulator-durability-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("durability", () => {
  it("keeps every input across a restart on the same file", async () => {
    const db = join(dir, "nested", "store.db");
    const first = await emulator({ db });
    const inputs = Array.from({ length: 50 }, (_, i) =>
      urlInput(`keep-${i}`, `keep-${i}`, {
        concepts: [{ id: "c", value: i % 2 }],
        metadata: { i },
      }),
    );
    await first.post(`${APP}/inputs`, { inputs });
    await first.post("/v2/users/other/apps/x/inputs", { inputs: [urlInput("elsewhere")] });
    await first.waitSettled("keep-49");
    await first.patch(`${APP}/inputs`, {
      action: "merge",
      inputs: [{ id: "keep-0", data: { metadata: { patched: true } } }],
    });
    await first.del(`${APP}/inputs/keep-1`);
    const before = (await first.get(`${APP}/inputs/stream?per_page=1000`)).body.inputs;
    await first.close();

    const second = await emulator({ db });
    try {
      const after = (await second.get(`${APP}/inputs/stream?per_page=1000`)).body.inputs;
      // Hosted copies are served from the emulator's own origin, whose port changed.
      const moved = JSON.parse(JSON.stringify(before).replaceAll(first.url, second.url));
      expect(after).toEqual(moved);
      expect(after).toHaveLength(49);
      expect(after[0].data.metadata).toEqual({ i: 0, patched: true });
      expect((await second.get("/v2/users/other/apps/x/inputs/elsewhere")).body.input.id).toBe(
        "elsewhere",
      );
      const dup = await second.post(`${APP}/inputs`, { inputs: [urlInput("keep-2", "fresh")] });
      expect(dup.body.inputs[0].status.details).toBe("Input has a duplicate ID.");
    } finally {
      await second.close();
    }
  });

  it("resumes pending indexing and delayed deletes after a restart", async () => {
    const db = join(dir, "resume.db");
    // Close well before the delays end; the due times are stored, so the next run finishes the work.
    const first = await emulator({ db, indexDelayMs: 1000, deleteDelayMs: 1000 });
    await first.post(`${APP}/inputs`, { inputs: [urlInput("pending"), urlInput("doomed")] });
    await first.del(`${APP}/inputs/doomed`);
    expect((await first.get(`${APP}/inputs/pending`)).body.input.status.code).toBe(30001);
    expect(first.stats().inputs.deleting).toBe(1);
    await first.close();

    const second = await emulator({ db, indexDelayMs: 10 });
    try {
      expect((await second.waitSettled("pending")).body.input.status.code).toBe(30000);
      let code = 0;
      for (let i = 0; i < 200 && code !== 11101; i++) {
        code = (await second.get(`${APP}/inputs/doomed`)).body.status.code;
        if (code !== 11101) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(code).toBe(11101);
    } finally {
      await second.close();
    }
  });

  it("seeds a store file in bulk, readable by a server started on it", async () => {
    const db = join(dir, "seeded.db");
    const count = seedStore(
      db,
      "acme/catalog",
      (function* () {
        for (let i = 0; i < 1000; i++) {
          yield {
            id: `seed-${i}`,
            data: { image: { url: `https://img.example.com/s${i}.jpg` }, concepts: [{ id: "x" }] },
          };
        }
      })(),
    );
    expect(count).toBe(1000);
    const again = { id: "seed-1", data: { image: { url: "https://img.example.com/again.jpg" } } };
    expect(() => seedStore(db, "acme/catalog", [again])).toThrow(/duplicate input id seed-1/);
    expect(() => seedStore(db, "acme/catalog", [{ id: "no-image" }])).toThrow(/needs an image/);
    // A failed seed inserts nothing (one transaction).
    expect(() => seedStore(db, "acme/catalog", [{ ...again, id: "fresh" }, again])).toThrow();
    const emu = await emulator({ db });
    try {
      const r = await emu.get(`${APP}/inputs/stream?per_page=1000`);
      expect(r.body.inputs).toHaveLength(1000);
      expect((await emu.get(`${APP}/inputs/fresh`)).status).toBe(404);
      expect(r.body.inputs[0]).toMatchObject({
        id: "seed-0",
        data: { concepts: [{ id: "x", name: "x", value: 1, app_id: "catalog" }] },
        status: { code: 30000 },
      });
      expect((await emu.get(`${APP}/inputs/status`)).body.counts.processed).toBe(1000);
    } finally {
      await emu.close();
    }
  });

  it("keeps the store's indexes when a seed into an empty store fails or succeeds", () => {
    const store = new EmulatorStore(":memory:");
    try {
      const input = { id: "twice", data: { image: { url: "https://img.example.com/t.jpg" } } };
      const indexes = () =>
        store.db
          .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'inputs_%' ORDER BY name",
          )
          .pluck()
          .all();
      const before = indexes();
      expect(before).toHaveLength(6);
      expect(() => store.seed({ userId: "u", appId: "a" }, [input, input])).toThrow(
        /duplicate input id twice/,
      );
      expect(indexes()).toEqual(before);
      expect(store.seed({ userId: "u", appId: "a" }, [input])).toBe(1);
      expect(indexes()).toEqual(before);
    } finally {
      store.close();
    }
  });
});
