import type { ApiInput, InputCounts, MultiInputResponse, PatchAction } from "./types.js";

/** Per-call options. */
export interface CallOptions {
  /** Aborts the request itself (in flight included). */
  signal?: AbortSignal;
  /**
   * Aborting it starts no new retry attempt (a backoff wait ends and the last error is thrown);
   * the attempt in flight still finishes. Apply passes its stop signal here on the first Ctrl-C.
   */
  stopRetrying?: AbortSignal;
}

/**
 * What the planner and the applier need from the inputs API. The undici client implements it;
 * tests point that real client at the real emulator.
 *
 * Every method retries transient failures itself (where a retry is safe) and throws `ApiError`
 * for anything else. Batch methods resolve with the body for SUCCESS, MIXED_STATUS and for a
 * FAILURE that carries per-input statuses, so the caller can split results per id.
 */
export interface InputsApi {
  /**
   * Pages of StreamInputs using `last_id`, at the largest page size allowed: oldest first, or
   * by id with `orderById` (a stable order that needs no snapshot of the app).
   */
  streamInputs(options?: {
    perPage?: number;
    orderById?: boolean;
    signal?: AbortSignal;
  }): AsyncIterable<ApiInput[]>;
  postInputs(inputs: ApiInput[], options?: CallOptions): Promise<MultiInputResponse>;
  patchInputs(
    inputs: ApiInput[],
    action: PatchAction,
    options?: CallOptions,
  ): Promise<MultiInputResponse>;
  /** Bulk DeleteInputs (≤128 ids). Asynchronous in the API: ids stay taken for a while. */
  deleteInputs(ids: string[], options?: CallOptions): Promise<void>;
  /** GetInput; `undefined` when the API answers CONN_DOES_NOT_EXIST (11101). */
  getInput(id: string, options?: CallOptions): Promise<ApiInput | undefined>;
  /** ListInputs filtered by `ids` (≤128 per call is what callers send); unknown ids are absent. */
  listInputsByIds(ids: string[], options?: CallOptions): Promise<ApiInput[]>;
  getInputCount(options?: CallOptions): Promise<InputCounts>;
  /**
   * The bytes of an image the API hosts (a byte upload's `data.image.url` or hosted URL), fetched
   * with the token. Refuses (throws `HostedImageRefused`) a URL outside the API's own host or its
   * sibling hosts (`data.clarifai.com` beside `api.clarifai.com`), so the token never leaves them.
   */
  downloadHostedImage(url: string, options?: { signal?: AbortSignal }): Promise<Uint8Array>;
}
