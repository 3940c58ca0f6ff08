/** Kept for apply's imports: the hashing lives in src/util/sha256.ts. */
export { sha256Hex } from "../util/sha256.js";
