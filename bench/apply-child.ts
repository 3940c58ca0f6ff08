/**
 * One apply measurement, run as its own process. `tool`: our applier (`applyPlan` with the undici
 * client, no waiting) executing a plan of N creates; `baseline`: a minimal undici loop posting the
 * same 128-input bodies at the same concurrency. Both build their request bodies inside the timed
 * part, from data prepared before it. Prints one JSON line.
 */
import { Agent, request } from "undici";
import { createClient } from "../src/api/client.js";
import { applyPlan } from "../src/apply/executor.js";
import { buildPlan, createDiffer } from "../src/plan/index.js";
import { BENCH_MANIFEST_NAME, BENCH_USER, toDesiredInput, toLiveInput } from "./fixtures.js";
import { generateInputs } from "./gen-manifest.js";

interface Args {
  mode: "tool" | "baseline";
  url: string;
  appId: string;
  n: number;
  seed: number;
  concurrency: number;
}

/** What one apply child reports. */
export interface ApplyChildResult {
  ms: number;
  /** CPU time of this process during the timed part. */
  cpuMs: number;
  created: number;
  failed: number;
  requests: number;
}

const BATCH = 128;
const args = JSON.parse(process.argv[2] ?? "{}") as Args;
const inputs = generateInputs(args.n, args.seed);

async function runTool(): Promise<ApplyChildResult> {
  const differ = createDiffer({
    manifestName: BENCH_MANIFEST_NAME,
    desired: inputs.map(toDesiredInput),
    prune: false,
    manifestDir: "/",
  });
  const { changes, summary, live } = differ.finish();
  const plan = buildPlan({
    manifest: { path: "dataset.yaml", name: BENCH_MANIFEST_NAME, sha256: "0".repeat(64) },
    target: { api_base: args.url, user_id: BENCH_USER, app_id: args.appId },
    prune: false,
    changes,
    summary,
    live,
  });
  const api = createClient({
    apiBase: args.url,
    pat: "bench",
    userId: BENCH_USER,
    appId: args.appId,
  });
  const cpu = process.cpuUsage();
  const start = performance.now();
  const report = await applyPlan({
    plan,
    api,
    baseDir: "/",
    readFile: async () => {
      throw new Error("no file inputs in this benchmark");
    },
    concurrency: args.concurrency,
    wait: { enabled: false, timeoutMs: 0 },
  });
  const ms = performance.now() - start;
  const cpuMs = cpuSince(cpu);
  await api.close();
  return {
    ms,
    cpuMs,
    created: report.created.length,
    failed: report.failed.length,
    requests: api.stats.requests,
  };
}

async function runBaseline(): Promise<ApplyChildResult> {
  // The same bodies the applier sends: image URL, concepts, metadata with the ownership marker.
  const bodies = inputs.map(toLiveInput);
  const dispatcher = new Agent({ connections: 16, keepAliveTimeout: 30_000 });
  const url = `${args.url}/v2/users/${BENCH_USER}/apps/${args.appId}/inputs`;
  const headers = {
    authorization: "Key bench",
    "content-type": "application/json",
    accept: "application/json",
  };
  let next = 0;
  let created = 0;
  let failed = 0;
  let requests = 0;
  const lane = async () => {
    while (next < bodies.length) {
      const batch = bodies.slice(next, next + BATCH);
      next += BATCH;
      requests++;
      const response = await request(url, {
        dispatcher,
        method: "POST",
        headers,
        body: JSON.stringify({ inputs: batch }),
      });
      const reply = (await response.body.json()) as {
        status: { code: number };
        inputs?: unknown[];
      };
      if (reply.status.code === 10000) created += batch.length;
      else failed += batch.length;
    }
  };
  const cpu = process.cpuUsage();
  const start = performance.now();
  await Promise.all(Array.from({ length: args.concurrency }, lane));
  const ms = performance.now() - start;
  const cpuMs = cpuSince(cpu);
  await dispatcher.close();
  return { ms, cpuMs, created, failed, requests };
}

function cpuSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

const result = args.mode === "tool" ? await runTool() : await runBaseline();
process.stdout.write(`${JSON.stringify(result)}\n`);
