// An .mjs ES module whose handler is nested in an exported object.
import path from "node:path";

export const handlers = {
  main: async (event) => ({ statusCode: 200, body: JSON.stringify({ kind: "mjs", base: path.basename(import.meta.url) }) }),
};
