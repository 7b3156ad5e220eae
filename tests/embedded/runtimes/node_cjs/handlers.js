// CommonJS Node.js handlers for tests/embedded/test_runtimes_node.py.
let calls = 0; // module state: kept between warm invocations of one instance

const json = (body, statusCode = 200) => ({ statusCode, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

exports.context = async (event, context) => json({
  awsRequestId: context.awsRequestId,
  functionName: context.functionName,
  functionVersion: context.functionVersion,
  invokedFunctionArn: context.invokedFunctionArn,
  memoryLimitInMB: context.memoryLimitInMB,
  logGroupName: context.logGroupName,
  logStreamName: context.logStreamName,
  remaining: context.getRemainingTimeInMillis(),
  callbackWaitsForEmptyEventLoop: context.callbackWaitsForEmptyEventLoop,
  rawPath: event.rawPath,
  env: Object.fromEntries([
    "AWS_LAMBDA_RUNTIME_API", "_HANDLER", "LAMBDA_TASK_ROOT", "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_REGION", "TZ",
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "GREETING", "_X_AMZN_TRACE_ID",
  ].map((name) => [name, process.env[name] ?? null])),
  cwd: process.cwd(),
});

exports.counter = async () => {
  calls += 1;
  return json({ calls, pid: process.pid });
};

exports.callback = (event, context, callback) => {
  setTimeout(() => callback(null, json({ style: "callback", path: event.rawPath })), 5);
};

exports.promise = (event) => Promise.resolve(json({ style: "promise", path: event.rawPath }));

exports.waitsForEmptyLoop = (event, context, callback) => {
  const started = Date.now();
  const waits = event.queryStringParameters?.waits !== "false";
  context.callbackWaitsForEmptyEventLoop = waits;
  setTimeout(() => {}, 400); // keeps the event loop busy for 400 ms after the callback
  callback(null, json({ started }));
};

class BookNotFound extends Error {
  constructor(message) {
    super(message);
    this.name = "BookNotFound";
  }
}

exports.throws = async () => {
  console.log("about to fail");
  throw new BookNotFound("no book 42");
};

exports.callbackError = (event, context, callback) => callback(new Error("callback says no"));

exports.slow = async (event) => {
  const ms = Number(event.queryStringParameters?.ms ?? 500);
  const started = Date.now();
  await sleep(ms);
  return json({ pid: process.pid, started, ended: Date.now() });
};

exports.hang = async () => {
  console.log("hanging");
  await sleep(60_000);
  return json({ never: true });
};

exports.logs = async (event, context) => {
  console.log("info line", { path: event.rawPath });
  console.error("error line");
  process.stdout.write("raw stdout\n");
  return json({ requestId: context.awsRequestId });
};

exports.big = async () => json({ data: "x".repeat(7 * 1024 * 1024) });

exports.pid = async () => json({ pid: process.pid });

// A simple-response Lambda authorizer (payload 2.0).
exports.authorizer = async (event) => ({
  isAuthorized: event.headers?.authorization === "secret",
  context: { user: "node-alice", runtime: process.release.name },
});

// A WebSocket route handler: echoes the message with the route key.
exports.ws = async (event, context) => ({
  statusCode: 200,
  body: JSON.stringify({ routeKey: event.requestContext.routeKey, body: event.body, fn: context.functionName }),
});

// Throws outside the handler's promise chain: the runtime reports it and the process ends.
exports.crashes = async () => {
  setTimeout(() => { throw new TypeError("async boom"); }, 1);
  await sleep(1000);
  return json({ never: true });
};

// The request body back, with its length in characters as Node.js decoded it (no body: none).
exports.echo = async (event) => ({
  statusCode: 200,
  headers: { "content-type": "text/plain; charset=utf-8", "x-chars": String((event.body ?? "").length) },
  body: event.body ?? "",
});

// Calls another route of the same gateway (?url=...) and answers with what it got.
exports.callsGateway = async (event) => {
  const http = require("node:http");
  const got = await new Promise((resolve, reject) => {
    http.get(event.queryStringParameters.url, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => { text += chunk; });
      res.on("end", () => resolve({ status: res.statusCode, text }));
    }).on("error", reject);
  });
  return json(got);
};

// Answers with its process id, then throws from a timer once the invocation is over.
exports.throwsLater = async () => {
  setTimeout(() => { throw new Error("thrown after the answer"); }, 50);
  return json({ pid: process.pid });
};
