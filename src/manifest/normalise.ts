/** Validated raw inputs → the resolved model the planner compares. Pure. */
import type { JsonObject } from "../api/types.js";
import { mergeConcepts, mergeMetadata } from "./defaults.js";
import type { RawConcept, RawDefaults, RawInput } from "./raw.js";
import type { DesiredConcept, DesiredImage, DesiredInput, SourceLocation } from "./types.js";

/** `cat` → `{id: "cat", value: 1}`; `{id: cat}` → value 1; `{id: cat, value: 0}` unchanged. */
export function normaliseConcept(concept: RawConcept): DesiredConcept {
  if (typeof concept === "string") return { id: concept, value: 1 };
  return { id: concept.id, value: concept.value ?? 1 };
}

/** Defaults that apply to every input, normalised once. */
export interface ResolvedDefaults {
  allowDuplicateUrl: boolean;
  concepts: DesiredConcept[];
  metadata: JsonObject;
}

export function resolveDefaults(defaults: RawDefaults | undefined): ResolvedDefaults {
  return {
    allowDuplicateUrl: defaults?.allow_duplicate_url ?? false,
    concepts: (defaults?.concepts ?? []).map(normaliseConcept),
    metadata: defaults?.metadata ?? {},
  };
}

/** One schema-valid input with defaults merged and shorthand expanded. */
export function toDesiredInput(
  input: RawInput,
  context: { defaults: ResolvedDefaults; image: DesiredImage; source: SourceLocation },
): DesiredInput {
  const { defaults } = context;
  return {
    id: input.id,
    image: context.image,
    concepts: mergeConcepts(defaults.concepts, (input.concepts ?? []).map(normaliseConcept)),
    metadata: mergeMetadata(defaults.metadata, input.metadata ?? {}),
    allowDuplicateUrl: input.allow_duplicate_url ?? defaults.allowDuplicateUrl,
    source: context.source,
  };
}
