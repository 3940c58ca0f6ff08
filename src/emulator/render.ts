/**
 * Proto3 JSON rendering of stored inputs, built as strings so that a 1,000-input page costs one
 * string concatenation per field rather than an object graph and a JSON.stringify. Field order
 * follows the proto field numbers; empty fields are omitted except where the proto marks them
 * `cl_show_if_empty` (Concept.value, GeoPoint coordinates, InputCount counters, `inputs`).
 */
import type { JsonObject } from "../api/types.js";
import { HOSTED_SIZES, type HostedConfig, hostedName } from "./hosted.js";
import type { ImageFacts } from "./image-sniff.js";
import type { GeoPoint } from "./input-parse.js";
import type { StoredConcept, StoredData } from "./patch-rules.js";
import { describe } from "./status-codes.js";

/** One stored input as the store reads it back. */
export interface InputRow {
  seq: number;
  id: string;
  /** Trimmed image URL; null for byte uploads. */
  url: string | null;
  /** `"concepts":[…],"metadata":{…},"geo":{…}` — the data fields after `image`, maybe "". */
  rest: string;
  /** Microseconds since the epoch. */
  created: number;
  modified: number;
  status: number;
  details: string | null;
  /** 32-hex name of the hosted copy, once indexed. */
  hosted: string | null;
  /** `image_info` JSON, once indexed with known facts. */
  info: string | null;
}

/** What rendering needs to know about the app an input lives in. */
export interface RenderApp {
  userId: string;
  appId: string;
  /** The store's key of the app (names the hosted copies of uploads). */
  key: number;
}

const str = JSON.stringify;

function renderConcept(c: StoredConcept, appId: string): string {
  return `{"id":${str(c.id)},"name":${str(c.name)},"value":${str(c.value)},"app_id":${str(appId)}}`;
}

function renderGeo(geo: GeoPoint): string {
  return `{"geo_point":{"longitude":${str(geo.longitude)},"latitude":${str(geo.latitude)}}}`;
}

/** The `rest` fragment of a stored input's data. */
export function renderRest(data: StoredData, appId: string): string {
  const parts: string[] = [];
  if (data.concepts.length > 0) {
    parts.push(`"concepts":[${data.concepts.map((c) => renderConcept(c, appId)).join(",")}]`);
  }
  if (Object.keys(data.metadata).length > 0) parts.push(`"metadata":${str(data.metadata)}`);
  if (data.geo) parts.push(`"geo":${renderGeo(data.geo)}`);
  return parts.join(",");
}

/** Reads a `rest` fragment back into patchable data. */
export function parseRest(rest: string): StoredData {
  const parsed = JSON.parse(`{${rest}}`) as {
    concepts?: { id: string; name: string; value: number }[];
    metadata?: JsonObject;
    geo?: { geo_point: GeoPoint };
  };
  const data: StoredData = {
    concepts: (parsed.concepts ?? []).map((c) => ({ id: c.id, name: c.name, value: c.value })),
    metadata: parsed.metadata ?? {},
  };
  return parsed.geo ? { ...data, geo: parsed.geo.geo_point } : data;
}

/** `image_info` JSON for what sniffing found (only what is known). */
export function renderImageInfo(facts: ImageFacts): string {
  const parts: string[] = [];
  if (facts.width !== undefined) parts.push(`"width":${facts.width}`);
  if (facts.height !== undefined) parts.push(`"height":${facts.height}`);
  parts.push(`"format":${str(facts.format)}`);
  return `{${parts.join(",")}}`;
}

/** The `status` JSON of an input or a reply, cached for the common detail-less case. */
const statusCache = new Map<number, string>();
export function renderStatus(code: number, details?: string | null): string {
  if (details) {
    return `{"code":${code},"description":${str(describe(code))},"details":${str(details)}}`;
  }
  let cached = statusCache.get(code);
  if (cached === undefined) {
    cached = `{"code":${code},"description":${str(describe(code))}}`;
    statusCache.set(code, cached);
  }
  return cached;
}

/** Renders stored inputs of one app; timestamps with 6 digits unless `format` says otherwise. */
export class InputRenderer {
  private readonly hostedHead: string;
  private readonly prefix: string;
  private readonly suffix: string;
  private readonly allSizes = `","sizes":${str(HOSTED_SIZES)},"crossorigin":"use-credentials"}`;
  private readonly origSize = `","sizes":["orig"],"crossorigin":"use-credentials"}`;

  constructor(
    private readonly app: RenderApp,
    private readonly formatTime: (us: number) => string,
    private readonly hosted: HostedConfig,
  ) {
    this.prefix = hosted.prefix;
    this.suffix = `users/${app.userId}/apps/${app.appId}/inputs/image/`;
    this.hostedHead = `{"prefix":${str(this.prefix)},"suffix":${str(this.suffix).slice(0, -1)}`;
  }

  /**
   * The `data` of a row. `upload`: the hosted name of uploaded bytes, shown (with `hosted.uploads`)
   * as `image.url` and an `orig`-only `hosted` until indexing adds the other sizes.
   */
  data(row: Pick<InputRow, "url" | "rest" | "hosted" | "info">, upload?: string): string {
    let image = row.url !== null ? `"url":${str(row.url)}` : "";
    if (upload !== undefined) {
      image = `"url":${str(`${this.prefix}/orig/${this.suffix}${upload}`)}`;
      image += `,"hosted":${this.hostedHead}${upload}${row.hosted !== null ? this.allSizes : this.origSize}`;
    } else if (row.hosted !== null) {
      image += `${image ? "," : ""}"hosted":${this.hostedHead}${row.hosted}${this.allSizes}`;
    }
    if (row.info !== null) image += `${image ? "," : ""}"image_info":${row.info}`;
    return `{"image":{${image}}${row.rest ? `,${row.rest}` : ""}}`;
  }

  input(row: InputRow, status: string = renderStatus(row.status, row.details)): string {
    const upload =
      this.hosted.uploads && row.url === null
        ? (row.hosted ?? hostedName(this.app.key, row.id, row.created))
        : undefined;
    return (
      `{"id":${str(row.id)},"data":${this.data(row, upload)},"created_at":"${this.formatTime(row.created)}",` +
      `"modified_at":"${this.formatTime(row.modified)}","status":${status}}`
    );
  }

  inputs(rows: InputRow[]): string {
    return `[${rows.map((row) => this.input(row)).join(",")}]`;
  }
}

/** A top-level status object with its req_id. */
export function renderTopStatus(code: number, reqId: string, details?: string): string {
  const detailsPart = details ? `,"details":${str(details)}` : "";
  return `{"code":${code},"description":${str(describe(code))}${detailsPart},"req_id":"${reqId}"}`;
}
