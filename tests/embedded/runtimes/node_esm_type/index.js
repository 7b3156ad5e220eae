// An ES module (package.json "type": "module") with a top-level await.
const loaded = await Promise.resolve("top-level await ran");

export const handler = async (event, context) => ({
  statusCode: 200,
  body: JSON.stringify({ kind: "esm-type-module", loaded, fn: context.functionName, isModule: typeof require === "undefined" }),
});
