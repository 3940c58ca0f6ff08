import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = resolve(import.meta.dirname, "../../src");

/** Every module under src/ with the relative modules it imports (static or dynamic). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const files = readdirSync(SRC, { recursive: true, encoding: "utf8" }).filter(
    (f) => f.endsWith(".ts") && !f.endsWith(".d.ts"),
  );
  const specifier = /(?:from\s+|import\s*\(\s*)["'](\.{1,2}\/[^"']+)["']/g;
  for (const file of files) {
    const text = readFileSync(join(SRC, file), "utf8");
    const targets = [...text.matchAll(specifier)].map((m) =>
      relative(SRC, resolve(SRC, dirname(file), (m[1] ?? "").replace(/\.js$/, ".ts"))),
    );
    graph.set(file, targets);
  }
  return graph;
}

/** The first import cycle found, as a path of modules, or undefined. */
function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === "done") return undefined;
    if (state.get(node) === "visiting") return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, "visiting");
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, "done");
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

describe("the import graph of src/", () => {
  const graph = importGraph();

  it("resolves every relative import to a module", () => {
    const missing = [...graph].flatMap(([file, targets]) =>
      targets.filter((t) => !graph.has(t)).map((t) => `${file} -> ${t}`),
    );
    expect(missing).toEqual([]);
  });

  it("has no cycle", () => {
    expect(findCycle(graph)?.join(" -> ")).toBeUndefined();
  });

  it("keeps the core below the CLI: nothing outside src/cli imports from it", () => {
    const upward = [...graph].flatMap(([file, targets]) =>
      file.startsWith("cli/")
        ? []
        : targets.filter((t) => t.startsWith("cli/")).map((t) => `${file} -> ${t}`),
    );
    expect(upward).toEqual([]);
  });

  it("finds a cycle when there is one (the check itself works)", () => {
    const cyclic = new Map([
      ["a.ts", ["b.ts"]],
      ["b.ts", ["c.ts"]],
      ["c.ts", ["a.ts"]],
    ]);
    expect(findCycle(cyclic)).toEqual(["a.ts", "b.ts", "c.ts", "a.ts"]);
  });
});
