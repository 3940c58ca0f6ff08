/**
 * The `id` of the last input of a list answer, read from the end of its text without parsing the
 * whole page: a reader can ask for the next page before it has parsed this one. Only a guess —
 * the caller compares it with the parsed page's last id and asks again if they differ. Pure.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;

/**
 * For a text that ends `…[…, {…}]}` (an answer whose last member is a list of objects, as
 * `{"status":…,"inputs":[…]}`), the `id` of the last object when it is a string; otherwise
 * undefined. The object is found by walking back to its opening brace: outside strings, braces
 * and brackets nest; a quote opens or closes a string unless an odd number of backslashes
 * precede it (JSON escapes every other quote inside a string).
 */
export function lastListedId(text: string): string | undefined {
  let at = skipSpaceBack(text, text.length - 1);
  if (text.charCodeAt(at) !== CLOSE_BRACE) return undefined;
  at = skipSpaceBack(text, at - 1);
  if (text.charCodeAt(at) !== CLOSE_BRACKET) return undefined;
  at = skipSpaceBack(text, at - 1);
  if (text.charCodeAt(at) !== CLOSE_BRACE) return undefined;
  const end = at + 1;
  let depth = 0;
  let inString = false;
  for (; at >= 0; at--) {
    const code = text.charCodeAt(at);
    if (code === QUOTE) {
      if (!isEscaped(text, at)) inString = !inString;
    } else if (inString) {
      // Inside a string: brackets are text.
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth++;
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      depth--;
      if (depth === 0) break;
    }
  }
  if (at < 0 || text.charCodeAt(at) !== OPEN_BRACE) return undefined;
  const before = text.charCodeAt(skipSpaceBack(text, at - 1));
  if (before !== OPEN_BRACKET && before !== COMMA) return undefined;
  let last: unknown;
  try {
    last = JSON.parse(text.slice(at, end));
  } catch {
    return undefined;
  }
  const id = (last as { id?: unknown }).id;
  return typeof id === "string" ? id : undefined;
}

/** Whether the quote at `at` is escaped: an odd number of backslashes right before it. */
function isEscaped(text: string, at: number): boolean {
  let count = 0;
  while (at - count - 1 >= 0 && text.charCodeAt(at - count - 1) === BACKSLASH) count++;
  return count % 2 === 1;
}

/** The position of the last non-whitespace character at or before `at` (-1 if none). */
function skipSpaceBack(text: string, at: number): number {
  while (at >= 0) {
    const code = text.charCodeAt(at);
    // JSON's whitespace: space, tab, line feed, carriage return.
    if (code !== 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) return at;
    at--;
  }
  return at;
}
