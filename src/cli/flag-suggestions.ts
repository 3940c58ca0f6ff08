/**
 * What to suggest for an unknown flag: the spelling users bring from Terraform and kubectl first
 * (`--auto-approve` is `--yes` here), then the nearest known flag by edit distance. Pure.
 */

interface Alias {
  /** The flags it may mean, best first; only those the command knows are suggested. */
  flags: readonly string[];
  /** Said instead when the command knows none of them. */
  otherwise?: string;
}

const ALIASES: Record<string, Alias> = {
  "auto-approve": {
    flags: ["--yes"],
    otherwise: "plan never changes the app; `dataset apply --yes` applies without asking",
  },
  "assume-yes": { flags: ["--yes"] },
  "non-interactive": { flags: ["--yes"] },
  force: { flags: ["--yes"] },
  y: { flags: ["--yes"] },
  "dry-run": {
    flags: [],
    otherwise: "`dataset plan <manifest>` shows what apply would do and changes nothing",
  },
  output: { flags: ["--format"] },
  o: { flags: ["--format"] },
  json: { flags: ["--format"] },
  parallelism: { flags: ["--concurrency"] },
  endpoint: { flags: ["--api-base"] },
  "base-url": { flags: ["--api-base"] },
  "api-url": { flags: ["--api-base"] },
  token: { flags: ["--pat"] },
  "api-key": { flags: ["--pat"] },
  key: { flags: ["--pat"] },
  user: { flags: ["--user-id"] },
  app: { flags: ["--app-id"] },
  "no-colour": { flags: ["--no-color"] },
  destroy: { flags: ["--prune"] },
};

/** Usage for a flag the hint points to, when it takes a value. */
const USAGE: Record<string, string> = { "--format": "--format json" };

/**
 * The hint for an unknown flag as typed (`--auto-approve`, `-auto-approve`, `--formt`), given the
 * long flags the command knows; undefined when nothing is close.
 */
export function suggestFlag(typed: string, known: readonly string[]): string | undefined {
  const name = typed.replace(/^-+/, "").replace(/=.*$/, "").toLowerCase();
  const alias = ALIASES[name];
  if (alias !== undefined) {
    const flag = alias.flags.find((f) => known.includes(f));
    if (flag !== undefined) return `did you mean ${USAGE[flag] ?? flag}?`;
    if (alias.otherwise !== undefined) return alias.otherwise;
  }
  const nearest = nearestFlag(`--${name}`, known);
  return nearest === undefined ? undefined : `did you mean ${nearest}?`;
}

/** The known flag within a small edit distance (as commander's own suggestion), if any. */
function nearestFlag(flag: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const distance = editDistance(flag.slice(2), candidate.replace(/^-+/, ""));
    const length = Math.max(flag.length - 2, candidate.length - 2);
    // Close enough: at most 40% of the name differs (so `--yes` is not offered for `--no`).
    if (distance < bestDistance && distance <= Math.max(1, Math.floor(length * 0.4))) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Damerau–Levenshtein distance (with adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => d[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, at(i - 2, j - 2) + 1);
      }
      const row = d[i];
      if (row !== undefined) row[j] = value;
    }
  }
  return at(a.length, b.length);
}
