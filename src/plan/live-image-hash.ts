import type { InputsApi } from "../api/client-types.js";
import type { ApiInput } from "../api/types.js";
import { sha256Hex } from "../util/sha256.js";
import { hostedOriginalUrl } from "./compare.js";

/**
 * How the planner reads the bytes of a byte upload it must identify (`LivePlanRequest.hashLiveImage`):
 * the base64 the API echoed, else the hosted copy of the original, fetched with the token (the
 * client only ever sends it to the API's own hosts). A failure leaves the image unverified, so the
 * input plans as a replace: never wrongly "the same".
 */
export function liveImageHasher(
  api: Pick<InputsApi, "downloadHostedImage">,
): (input: ApiInput, signal?: AbortSignal) => Promise<string | undefined> {
  return async (input, signal) => {
    const image = input.data?.image;
    if (typeof image?.base64 === "string" && image.base64 !== "") {
      return sha256Hex(Buffer.from(image.base64, "base64"));
    }
    const url = image?.url?.trim() || hostedOriginalUrl(image);
    if (url === undefined) return undefined;
    try {
      return sha256Hex(await api.downloadHostedImage(url, signal === undefined ? {} : { signal }));
    } catch {
      return undefined;
    }
  };
}
