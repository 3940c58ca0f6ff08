import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  renderJsonlLine,
  renderRootHead,
  renderYamlItem,
} from "../../src/export/render-manifest.js";

const entry = {
  id: "shoe-2",
  url: "https://img.example.com/2.jpg",
  concepts: [{ id: "boot", value: 0 as const }, "shoe"],
  metadata: { z: "123", a: { y: true, b: null }, text: "two\nlines" },
  allow_duplicate_url: true as const,
};

describe("manifest rendering", () => {
  it("writes an input as a list item with flow concepts and key-sorted metadata", () => {
    expect(renderYamlItem(entry)).toMatchInlineSnapshot(`
      "  - id: shoe-2
          url: https://img.example.com/2.jpg
          concepts: [ { id: boot, value: 0 }, shoe ]
          metadata:
            a:
              b: null
              y: true
            text: |-
              two
              lines
            z: "123"
          allow_duplicate_url: true
      "
    `);
    // What is written reads back as the same data.
    expect(parse(`inputs:\n${renderYamlItem(entry)}`).inputs).toEqual([entry]);
    expect(JSON.parse(renderJsonlLine(entry))).toEqual(entry);
  });

  it("heads the root manifest with the header comment, and `inputs: []` when empty", () => {
    const header = {
      app: "users/u/apps/a at https://api.clarifai.com",
      exportedAt: "2025-01-02T03:04:05.000Z",
      inputs: 0,
      notes: ["2 inputs uploaded as bytes not declared."],
    };
    expect(
      renderRootHead({ name: "team", app: { user_id: "u", app_id: "a" } }, header, {
        inputsFollow: false,
      }),
    ).toMatchInlineSnapshot(`
      "# Exported by \`dataset export\` from users/u/apps/a at https://api.clarifai.com on 2025-01-02T03:04:05.000Z: 0 inputs.
      # 2 inputs uploaded as bytes not declared.

      version: 1
      name: team
      app:
        user_id: u
        app_id: a
      inputs: []
      "
    `);
  });
});
