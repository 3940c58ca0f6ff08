/** A `/`-separated relative path (a glob's, a cache key's) with this system's separator. */
import { sep } from "node:path";

export const nativePath: (path: string) => string =
  sep === "/" ? (path) => path : (path) => path.replaceAll("/", sep);
