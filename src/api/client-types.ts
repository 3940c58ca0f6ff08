import type { ApiInput, InputCounts, MultiInputResponse, PatchAction } from "./types.js";

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
  postInputs(inputs: ApiInput[], options?: { signal?: AbortSignal }): Promise<MultiInputResponse>;
  patchInputs(
    inputs: ApiInput[],
    action: PatchAction,
    options?: { signal?: AbortSignal },
  ): Promise<MultiInputResponse>;
  /** Bulk DeleteInputs (≤128 ids). Asynchronous in the API: ids stay taken for a while. */
  deleteInputs(ids: string[], options?: { signal?: AbortSignal }): Promise<void>;
  /** GetInput; `undefined` when the API answers CONN_DOES_NOT_EXIST (11101). */
  getInput(id: string, options?: { signal?: AbortSignal }): Promise<ApiInput | undefined>;
  /** ListInputs filtered by `ids` (≤128 per call is what callers send); unknown ids are absent. */
  listInputsByIds(ids: string[], options?: { signal?: AbortSignal }): Promise<ApiInput[]>;
  getInputCount(options?: { signal?: AbortSignal }): Promise<InputCounts>;
  /**
   * The bytes of an image the API hosts (a byte upload's `data.image.url` or hosted URL), fetched
   * with the token. Refuses (throws `HostedImageRefused`) a URL outside the API's own host or its
   * sibling hosts (`data.clarifai.com` beside `api.clarifai.com`), so the token never leaves them.
   */
  downloadHostedImage(url: string, options?: { signal?: AbortSignal }): Promise<Uint8Array>;
}
