import { describe, expect, it } from "vitest";
import type { InputsApi } from "../../src/api/client-types.js";
import type { ApiInput, InputCounts } from "../../src/api/types.js";
import { waitForIndexing } from "../../src/apply/wait.js";

const SUCCESS = 30000;
const PENDING = 30001;
const FAILED = 30002;

function counts(processed: number, unsettled: number, errors = 0): InputCounts {
  return {
    processed,
    to_process: unsettled,
    processing: 0,
    errors,
    reindexed: 0,
    to_reindex: 0,
    reindex_errors: 0,
    reindexing: 0,
  };
}

/**
 * The two reads the wait makes, answered from a script (one answer per GetInputCount) and a
 * status table (ListInputs by ids); a hand-moved clock that `sleep` advances.
 */
function fakeApp(script: InputCounts[], statuses: Map<string, number> = new Map()) {
  const calls = { count: 0, list: [] as string[][] };
  const clock = { now: 0 };
  const sleeps: number[] = [];
  const api = {
    async getInputCount() {
      const answer = script[Math.min(calls.count, script.length - 1)] as InputCounts;
      calls.count++;
      return answer;
    },
    async listInputsByIds(ids: string[]) {
      calls.list.push(ids);
      return ids
        .filter((id) => statuses.has(id))
        .map((id): ApiInput => ({ id, status: { code: statuses.get(id) as number } }));
    },
  } as unknown as InputsApi;
  const timing = {
    concurrency: 2,
    timeoutMs: 60_000,
    signal: new AbortController().signal,
    now: () => clock.now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      clock.now += ms;
    },
  };
  return { api, calls, sleeps, timing };
}

const ids = (n: number) => Array.from({ length: n }, (_, i) => `in-${i}`);

describe("waitForIndexing with GetInputCount as the gate", () => {
  it("settles on counts alone, paces by the settling rate, and shows progress as it goes", async () => {
    const { api, calls, sleeps, timing } = fakeApp([
      counts(55, 200),
      counts(155, 100),
      counts(255, 0),
    ]);
    const progress: number[] = [];
    const result = await waitForIndexing({
      api,
      ids: ids(200),
      alreadyDone: ["done-1", "done-2", "done-3", "done-4", "done-5"],
      countsBefore: counts(50, 0),
      ...timing,
      onProgress: (indexed) => progress.push(indexed),
    });
    expect(result.pending).toEqual([]);
    expect(result.failed).toEqual([]);
    expect(result.indexed).toHaveLength(205);
    expect(calls).toEqual({ count: 3, list: [] });
    // First round at once; then 250 ms (no rate yet); settling began between the first two
    // rounds, so their rate is not trusted: the pause grows by half, to 375 ms.
    expect(sleeps).toEqual([250, 375]);
    expect(progress).toEqual([5, 5, 105, 205]);
  });

  it("paces by the settling rate once settling was under way at the round before", async () => {
    // 1,000 written; 400 already settled at the first round, 600 at the second (250 ms later):
    // 200 per 250 ms, so the 400 left are due in 500 ms; then all are done.
    const { api, calls, sleeps, timing } = fakeApp([
      counts(400, 600),
      counts(600, 400),
      counts(1000, 0),
    ]);
    const result = await waitForIndexing({
      api,
      ids: ids(1000),
      countsBefore: counts(0, 0),
      ...timing,
    });
    expect(result.indexed).toHaveLength(1000);
    expect(calls.count).toBe(3);
    expect(sleeps).toEqual([250, 500]);
  });

  it("falls back to listing only the unsettled ids when an error appears in the counts", async () => {
    const statuses = new Map([
      ["in-0", SUCCESS],
      ["in-1", FAILED],
      ["in-2", SUCCESS],
    ]);
    const { api, calls, timing } = fakeApp([counts(2, 0, 1)], statuses);
    const result = await waitForIndexing({
      api,
      ids: ids(3),
      countsBefore: counts(0, 0),
      ...timing,
    });
    expect(result.indexed.sort()).toEqual(["in-0", "in-2"]);
    expect(result.failed).toEqual([{ id: "in-1", code: FAILED, description: "status 30002" }]);
    expect(calls).toEqual({ count: 1, list: [["in-0", "in-1", "in-2"]] });
  });

  it("does not trust counts another writer moved: it lists, and polls only what is left", async () => {
    const statuses = new Map([
      ["in-0", SUCCESS],
      ["in-1", PENDING],
    ]);
    // Three more inputs than before + written: someone else wrote to the app meanwhile.
    const { api, calls, timing } = fakeApp([counts(5, 0)], statuses);
    const list = api.listInputsByIds.bind(api);
    api.listInputsByIds = async (batch) => {
      const answer = await list(batch);
      statuses.set("in-1", SUCCESS); // indexed by the next round
      return answer;
    };
    const result = await waitForIndexing({
      api,
      ids: ids(2),
      countsBefore: counts(0, 0),
      ...timing,
    });
    expect(result.indexed.sort()).toEqual(["in-0", "in-1"]);
    expect(calls.count).toBe(1);
    expect(calls.list).toEqual([["in-0", "in-1"], ["in-1"]]);
  });

  it("without counts from before, lists the ids 128 per request", async () => {
    const all = ids(300);
    const { api, calls, timing } = fakeApp([], new Map(all.map((id) => [id, SUCCESS])));
    const result = await waitForIndexing({ api, ids: all, ...timing });
    expect(result.indexed).toHaveLength(300);
    expect(calls.count).toBe(0);
    expect(calls.list.map((batch) => batch.length)).toEqual([128, 128, 44]);
  });
});
