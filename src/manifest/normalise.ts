/** Validated raw inputs → the resolved model the planner compares. Pure. */
import type { JsonObject, JsonValue } from "../api/types.js";
import { flatCopy as detach } from "../util/flat-copy.js";
import { setOwnKey } from "../util/own-key.js";
import { mergeConcepts, mergeMetadata } from "./defaults.js";
import type { RawConcept, RawDefaults, RawInput } from "./raw.js";
import type { DesiredConcept, DesiredImage, DesiredInput, SourceLocation } from "./types.js";

/**
 * `cat` → `{id: "cat", value: 1}`; `{id: cat}` → value 1; `{id: cat, value: 0}` unchanged;
 * `value: true|false` (as older clients write it) → 1|0.
 */
export function normaliseConcept(concept: RawConcept): DesiredConcept {
  if (typeof concept === "string") return { id: concept, value: 1 };
  const { value } = concept;
  return {
    id: concept.id,
    value: value === undefined || value === true ? 1 : value === false ? 0 : value,
  };
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

/** Distinct concepts shared at most: beyond this many the normaliser stops sharing new ones. */
const MAX_SHARED_CONCEPTS = 100_000;

/**
 * Turns schema-valid inputs into desired inputs for one load, keeping the model small: a
 * million inputs must fit in memory beside the live app's pages.
 *
 * - Equal concepts are one shared (read-only) object: most manifests draw their concepts from a
 *   small vocabulary.
 * - Strings the model keeps are detached from the YAML text they were read from. A parser's
 *   substrings can be views into the whole file's text, so one kept URL would keep every byte of
 *   a 26 MB file alive; copies keep only themselves.
 */
export class InputNormaliser {
  private readonly defaults: ResolvedDefaults;
  private readonly shared = [new Map<string, DesiredConcept>(), new Map<string, DesiredConcept>()];
  private sharedCount = 0;

  /** No default concepts or metadata: an input's concepts and metadata are its own. */
  private readonly keepsAsWritten: boolean;

  constructor(defaults: ResolvedDefaults) {
    this.defaults = defaults;
    this.keepsAsWritten =
      defaults.concepts.length === 0 && Object.keys(defaults.metadata).length === 0;
  }

  /**
   * One schema-valid input with defaults merged and shorthand expanded. `ownStrings`: its id and
   * metadata strings are a parser's fresh copies (JSON.parse), not views into a larger
   * text, so they are kept as they are.
   */
  normalise(
    input: RawInput,
    context: {
      image: DesiredImage;
      source: SourceLocation;
      origin?: string;
      ownStrings?: boolean;
      /** The input's JSON as written (see DesiredInput.json): kept unless defaults change it. */
      json?: string;
    },
  ): DesiredInput {
    const { defaults } = this;
    const concepts = input.concepts;
    const own: DesiredConcept[] = [];
    if (concepts !== undefined) for (const concept of concepts) own.push(this.concept(concept));
    const metadata = input.metadata ?? {};
    if (context.ownStrings !== true) detachStrings(metadata);
    return {
      id: context.ownStrings === true ? input.id : detach(input.id),
      image: context.image,
      concepts: defaults.concepts.length === 0 ? own : mergeConcepts(defaults.concepts, own),
      metadata: mergeMetadata(defaults.metadata, metadata),
      allowDuplicateUrl: input.allow_duplicate_url ?? defaults.allowDuplicateUrl,
      source: context.source,
      ...(context.origin === undefined ? {} : { origin: context.origin }),
      ...(context.json === undefined || !this.keepsAsWritten ? {} : { json: context.json }),
    };
  }

  /** A `url:` image, its URL detached from the text (unless `ownStrings`, as above). */
  urlImage(url: string, options: { ownStrings?: boolean } = {}): DesiredImage {
    return { kind: "url", url: options.ownStrings === true ? url : detach(url) };
  }

  private concept(raw: RawConcept): DesiredConcept {
    // As normaliseConcept, without an object per concept: most are shared ones.
    const id = typeof raw === "string" ? raw : raw.id;
    const written = typeof raw === "string" ? undefined : raw.value;
    const value = written === undefined || written === true ? 1 : written === false ? 0 : written;
    const shared = this.shared[value];
    const known = shared?.get(id);
    if (known !== undefined) return known;
    const concept: DesiredConcept = { id: detach(id), value };
    if (shared !== undefined && this.sharedCount < MAX_SHARED_CONCEPTS) {
      shared.set(concept.id, concept);
      this.sharedCount++;
    }
    return concept;
  }
}

/** Detaches every long string value inside parsed metadata, in place (keys are copies already). */
function detachStrings(value: JsonObject | JsonValue[]): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      if (typeof item === "string") {
        value[i] = detach(item);
      } else if (typeof item === "object" && item !== null) detachStrings(item);
    }
    return;
  }
  for (const key in value) {
    const item = value[key];
    if (typeof item === "string") {
      setOwnKey(value, key, detach(item));
    } else if (typeof item === "object" && item !== null) detachStrings(item);
  }
}
