/**
 * The floors' way of reading an app: a minimal undici loop over StreamInputs at a given page
 * size, parsing each page and discarding it (what any script that plans must do at least).
 */
import { Agent, request } from "undici";

export interface RawStreamTarget {
  url: string;
  userId: string;
  appId: string;
  perPage: number;
}

/** Streams the whole app; returns how many inputs and pages it read. */
export async function streamRaw(
  target: RawStreamTarget,
): Promise<{ streamed: number; pages: number }> {
  const dispatcher = new Agent({ connections: 1, keepAliveTimeout: 30_000 });
  const base = `${target.url}/v2/users/${target.userId}/apps/${target.appId}/inputs/stream`;
  let streamed = 0;
  let pages = 0;
  let lastId: string | undefined;
  for (;;) {
    const query = new URLSearchParams({ per_page: String(target.perPage) });
    if (lastId !== undefined) query.set("last_id", lastId);
    const response = await request(`${base}?${query}`, {
      dispatcher,
      headers: { authorization: "Key bench", accept: "application/json" },
    });
    const body = (await response.body.json()) as {
      status: { code: number };
      inputs?: { id: string }[];
    };
    if (body.status.code !== 10000) throw new Error(`StreamInputs answered ${body.status.code}`);
    pages++;
    const page = body.inputs ?? [];
    streamed += page.length;
    if (page.length < target.perPage) break;
    lastId = page[page.length - 1]?.id;
  }
  await dispatcher.close();
  return { streamed, pages };
}
