import { createHash } from "node:crypto";

/** sha256 of bytes, hex: how the manifest records a file and how apply checks it again. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}
