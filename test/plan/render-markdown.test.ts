import { describe, expect, it } from "vitest";
import type { ApiInput } from "../../src/api/types.js";
import type { DesiredInput } from "../../src/manifest/types.js";
import { escapeMarkdown, renderPlanMarkdown } from "../../src/plan/render-markdown.js";
import { liveInput, NAME, planFrom, urlInput } from "./helpers.js";
import { samplePlan } from "./sample-plan.js";

const header = {
  manifest: { path: "dataset.yaml", name: NAME, sha256: "0".repeat(64) },
  target: { api_base: "https://api.clarifai.com", user_id: "acme", app_id: "catalog" },
};

/** A plan with `n` creates, `n / 10` metadata updates and `n / 20` prunes. */
async function largePlan(n: number) {
  const desired: DesiredInput[] = [];
  const live: ApiInput[] = [];
  for (let i = 0; i < n; i++)
    desired.push(urlInput(`new-${i}`, { concepts: ["a", "b"], metadata: { i, split: "train" } }));
  for (let i = 0; i < n / 10; i++) {
    desired.push(urlInput(`upd-${i}`, { metadata: { i, tags: ["x", "y"], note: "after" } }));
    live.push(liveInput(`upd-${i}`, { metadata: { i, tags: ["x"], note: "before" } }));
  }
  for (let i = 0; i < n / 20; i++) live.push(liveInput(`old-${i}`));
  return await planFrom({ ...header, prune: true, desired, live });
}

describe("renderPlanMarkdown", () => {
  it("renders the marker, warning, summary table and a <details> block per action", async () => {
    expect(renderPlanMarkdown(await samplePlan(), { maxRps: 15 })).toMatchInlineSnapshot(`
      "<!-- dataset-plan: product-photos -->
      ### Dataset plan: product-photos

      Target: users/acme/apps/catalog on https://api.clarifai.com

      > [!WARNING]
      > This plan deletes 4 inputs (1 pruned, 2 replaced, 1 recreated).

      | Create | Update | Replace | Recreate | Delete | Adopt | Unchanged | Unmanaged |
      | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
      | 2 | 1 | 2 | 1 | 1 | 1 | 1 | 1 |

      Apply will make about 9 API requests (about 1 s at 15 requests/s).

      <details open><summary><strong>- 1 to delete</strong></summary>

      - <code>old1</code>
        <br><img src="https://img.example.com/old1.jpg" width="64">
        <br>https://img.example.com/old1.jpg

      </details>

      <details><summary><strong>-/+ 2 to replace</strong></summary>

      - <code>edited</code> · file changed
        <br>file: images/edited.jpg (sha256 aaaaaaaaaaaa… -> bbbbbbbbbbbb…)
      - <code>moved</code> · url changed
        <br><img src="https://img.example.com/moved.jpg" width="64"> → <img src="https://img.example.com/moved-new.jpg" width="64">
        <br>url: https://img.example.com/moved.jpg -> https://img.example.com/moved-new.jpg

      </details>

      <details><summary><strong>-/+ 1 to recreate</strong></summary>

      - <code>broken</code> · failed to index
        <br><img src="https://img.example.com/broken.jpg" width="64">
        <br>status: 30002 Download failed

      </details>

      <details><summary><strong>+ 2 to create</strong></summary>

      - <code>local-cat</code>
        <br>file: <code>images/cat.jpg</code>
        <br>concepts: <code>cat</code>
      - <code>train1</code>
        <br><img src="https://img.example.com/train1.jpg" width="64">
        <br>url: <code>https://img.example.com/train1.jpg</code>
        <br>concepts: <code>train</code>
        <br>metadata: <code>{"split":"train"}</code>

      </details>

      <details><summary><strong>~ 1 to update</strong></summary>

      - <code>puppy1</code> · concepts, metadata
        <br><img src="https://img.example.com/puppy1.jpg" width="64">
        <br>concepts: <code>- dog</code> <code>cat: 1 -> 0</code>

        \`\`\`diff
         {
           "id": "id001",
           "nested": {
             "a": [
               1,
               2
             ],
             "b": true
           },
        -  "size": 100,
        +  "size": 200,
           "type": "animal"
         }
        \`\`\`

      </details>

      <details><summary><strong>~ 1 to adopt</strong></summary>

      - <code>adopted</code>
        <br><img src="https://img.example.com/adopted.jpg" width="64">
        <br>owner: (none) -> product-photos (adopted)

      </details>
      "
    `);
  });

  it("renders a plan without changes briefly", async () => {
    const plan = await planFrom({
      ...header,
      prune: false,
      desired: [urlInput("a")],
      live: [liveInput("a")],
    });
    expect(renderPlanMarkdown(plan)).toMatchInlineSnapshot(`
      "<!-- dataset-plan: product-photos -->
      ### Dataset plan: product-photos

      Target: users/acme/apps/catalog on https://api.clarifai.com

      **No changes.** The app matches the manifest (1 input).
      "
    `);
  });

  it("stays under GitHub's comment limit, keeping the summary and saying what it left out", async () => {
    const plan = await largePlan(5000);
    const md = renderPlanMarkdown(plan, { maxPerAction: 10_000 });
    expect(md.length).toBeLessThanOrEqual(65_536);
    expect(md.startsWith(`<!-- dataset-plan: ${NAME} -->\n`)).toBe(true);
    expect(md).toContain("> [!WARNING]\n> This plan deletes 250 inputs (250 pruned).");
    expect(md).toContain("| 5,000 | 500 | 0 | 0 | 250 | 0 | 0 |");
    // Every action gets room, even though creates alone would fill the comment.
    for (const title of ["- 250 to delete", "+ 5,000 to create", "~ 500 to update"])
      expect(md).toContain(title);
    const note =
      /_Plan truncated: ([\d,]+) more changes not shown \(GitHub comments are limited to 65,536 characters\)\. For every change, see the job log or run <code>dataset plan dataset\.yaml<\/code> locally\._\n$/.exec(
        md,
      );
    expect(note).not.toBeNull();
    const listed = md.match(/^- <code>/gm)?.length ?? 0;
    expect(Number(note?.[1]?.replaceAll(",", ""))).toBe(plan.changes.length - listed);
    // Every <details> opened is closed and every fence is closed.
    expect(md.match(/<details/g)?.length).toBe(md.match(/<\/details>/g)?.length);
    expect((md.match(/^ {2}```/gm)?.length ?? 0) % 2).toBe(0);
  });

  it("honours a smaller maxChars", async () => {
    const md = renderPlanMarkdown(await largePlan(200), { maxChars: 4000 });
    expect(md.length).toBeLessThanOrEqual(4000);
    expect(md).toContain(
      "| Create | Update | Replace | Recreate | Delete | Unchanged | Unmanaged |",
    );
    expect(md).toMatch(
      /_Plan truncated: [\d,]+ more changes not shown \(GitHub comments are limited to 4,000 characters\)/,
    );
  });

  it("says so when the per-action cap, not the size, left changes out", async () => {
    const md = renderPlanMarkdown(await largePlan(20), { maxPerAction: 5 });
    expect(md).toContain("_… and 15 more to create not shown._");
    expect(md).toContain(
      "_Plan truncated: 15 more changes not shown (at most 5 are listed per action).",
    );
  });

  it("escapes ids, URLs and values from the app", async () => {
    const evilUrl = 'https://x.test/a.jpg" onerror="alert(1)';
    const plan = await planFrom({
      ...header,
      prune: true,
      desired: [urlInput("ok", { metadata: { s: "```\n<b>" } })],
      live: [
        liveInput("<script>alert(1)</script>", { url: evilUrl }),
        liveInput("[click](javascript:alert(1))"),
        liveInput("ok", { metadata: { s: "``" } }),
      ],
    });
    const md = renderPlanMarkdown(plan);
    expect(md).not.toContain("<script>");
    expect(md).toContain("<code>&#60;script>alert(1)&#60;/script></code>");
    expect(md).toContain("<code>&#91;click&#93;(javascript:alert(1))</code>");
    expect(md).toContain('<img src="https://x.test/a.jpg&#34; onerror=&#34;alert(1)" width="64">');
    // A fence longer than the backticks inside it.
    expect(md).toContain("  ````diff\n");
    expect(escapeMarkdown("a*b*_c_ `d` | ~e~ \\ &amp;\nnext")).toBe(
      "a&#42;b&#42;&#95;c&#95; &#96;d&#96; &#124; &#126;e&#126; &#92; &#38;amp; next",
    );
  });
});
