/**
 * Example bodies from the API reference (../shared/reference/clarifai-inputs-api.md §4 and the
 * docs' curl snippets it cites), copied here so the tests run on a clean clone.
 */

export const postInputsRequest = {
  inputs: [
    {
      id: "sku-0001",
      data: {
        image: { url: "https://img.example.com/0001.jpg", allow_duplicate_url: true },
        concepts: [
          { id: "shoe", value: 1 },
          { id: "boot", value: 0 },
        ],
        metadata: { sku: "0001", tags: ["summer"] },
      },
    },
  ],
  inputs_add_job_id: "3c1f0d8e9b7a4f26a1d2c3b4e5f60718",
};

/** Two more inputs for the partial-failure example: the second repeats an indexed URL. */
export const postInputsPartialRequest = {
  inputs: [
    { id: "sku-0002", data: { image: { url: "https://img.example.com/0002.jpg" } } },
    { id: "sku-0003", data: { image: { url: "https://img.example.com/0001.jpg" } } },
  ],
};

/** docs:snip curl: add concepts / metadata to an input, remove a concept, bulk delete. */
export const patchMergeRequest = {
  inputs: [
    { id: "sku-0001", data: { concepts: [{ id: "boot", value: 1 }], metadata: { color: "red" } } },
  ],
  action: "merge",
};
export const patchRemoveRequest = {
  inputs: [{ id: "sku-0001", data: { concepts: [{ id: "shoe" }] } }],
  action: "remove",
};
export const patchOverwriteRequest = {
  inputs: [
    { id: "sku-0002", data: { concepts: [{ id: "sandal", value: 1 }], metadata: { sku: "0002" } } },
  ],
  action: "overwrite",
};
export const deleteInputsRequest = { ids: ["sku-0002"] };

/** Example responses of the reference, for checking the checker. */
export const referenceResponses: [string, unknown][] = [
  [
    "clarifai.api.MultiInputResponse",
    {
      status: { code: 10000, description: "Ok", req_id: "5d0f3b8a2c9e4f71b6a0d4e2c8f1a937" },
      inputs: [
        {
          id: "sku-0001",
          data: {
            image: { url: "https://img.example.com/0001.jpg" },
            concepts: [
              { id: "shoe", name: "shoe", value: 1, app_id: "catalog" },
              { id: "boot", name: "boot", value: 0, app_id: "catalog" },
            ],
            metadata: { sku: "0001", tags: ["summer"] },
          },
          created_at: "2025-03-04T10:15:22.894006174Z",
          modified_at: "2025-03-04T10:15:22.894006174Z",
          status: { code: 30001, description: "Download pending" },
        },
      ],
    },
  ],
  [
    "clarifai.api.MultiInputResponse",
    {
      status: { code: 10000, description: "Ok", req_id: "0b9d8c7e6f5a4b3c2d1e0f9a8b7c6d5e" },
      inputs: [
        {
          id: "sku-0001",
          data: {
            image: {
              url: "https://img.example.com/0001.jpg",
              hosted: {
                prefix: "https://data.clarifai.com",
                suffix: "users/acme/apps/catalog/inputs/image/140c856dc82565d2c4d6ea720fceff78",
                sizes: ["orig", "tiny", "small", "large"],
                crossorigin: "use-credentials",
              },
              image_info: { width: 512, height: 384, format: "JPEG", color_mode: "YUV" },
            },
            concepts: [{ id: "shoe", name: "shoe", value: 1, app_id: "catalog" }],
            metadata: { sku: "0001" },
          },
          created_at: "2025-03-04T10:15:22.894006Z",
          modified_at: "2025-03-04T10:15:24.101312Z",
          status: { code: 30000, description: "Download complete" },
        },
      ],
    },
  ],
  [
    "clarifai.api.SingleInputCountResponse",
    {
      status: { code: 10000, description: "Ok", req_id: "e3a1b2c4d5f60718293a4b5c6d7e8f90" },
      counts: {
        processed: 1520,
        to_process: 3,
        errors: 2,
        processing: 5,
        reindexed: 0,
        to_reindex: 0,
        reindex_errors: 0,
        reindexing: 0,
      },
    },
  ],
  [
    "clarifai.api.MultiInputResponse",
    {
      status: {
        code: 11005,
        description: "Making too many requests",
        details: "exceeded limit of 15 requests per second",
        req_id: "x",
      },
      inputs: [],
    },
  ],
];
