// A Lambda Node.js runtime: loads `_HANDLER` from LAMBDA_TASK_ROOT and serves invocations
// from the Lambda Runtime API at AWS_LAMBDA_RUNTIME_API, as Lambda's Node.js runtime does.
//
// Handler "path/file.export.nested": module "path/file" (.js, .mjs or .cjs; CommonJS or ES
// module, as package.json's "type" says), export "export.nested". Async handlers, handlers
// returning a promise and callback handlers (event, context, callback) are supported; the
// context has Lambda's fields and methods; errors are sent as {errorType, errorMessage, trace};
// console output is written as Lambda writes it: "<time>\t<request id>\t<LEVEL>\t<message>".
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import util from "node:util";
import { pathToFileURL } from "node:url";

const API = process.env.AWS_LAMBDA_RUNTIME_API;
const BASE = "/2018-06-01/runtime";
const TASK_ROOT = process.env.LAMBDA_TASK_ROOT || process.cwd();
const HANDLER = process.env._HANDLER || "";

let currentRequestId = undefined;

// -- console, as Lambda writes it ------------------------------------------------------------

function patchConsole() {
  const levels = { log: "INFO", info: "INFO", warn: "WARN", error: "ERROR", debug: "DEBUG", trace: "TRACE" };
  for (const [method, level] of Object.entries(levels)) {
    console[method] = (...args) => {
      let message = util.format(...args);
      if (method === "trace") message += "\n" + new Error().stack.split("\n").slice(2).join("\n");
      const line = `${new Date().toISOString()}\t${currentRequestId ?? "undefined"}\t${level}\t${message}\n`;
      fs.writeSync(1, line);
    };
  }
}

// -- the Runtime API -------------------------------------------------------------------------

// One keep-alive connection, HTTP/1.1 written and read by hand: Node's `http` client costs
// several times more per request, and the Runtime API's answers are simple (status line,
// headers, a Content-Length body). Requests may be pipelined (answers come back in order): an
// invocation's answer and the next `/next` go out in one write, and the runtime wakes once per
// invocation. The socket is unref'd while no answer is awaited, so an idle runtime does not keep
// the event loop alive (callbackWaitsForEmptyEventLoop relies on that).
class RuntimeClient {
  constructor(address) {
    const colon = address.lastIndexOf(":");
    this.host = address.slice(0, colon);
    this.port = Number(address.slice(colon + 1));
    this.address = address;
    this.socket = null;
    this.pending = null; // copies of the reads of an answer not complete yet
    this.pendingLength = 0;
    this.needed = 0; // bytes that answer needs, once its head is in
    this.waiters = [];
  }

  connect() {
    // Reads land in one buffer of our own (no allocation, no stream machinery per read): what
    // is kept past the callback is copied out of it.
    const buffer = Buffer.allocUnsafe(64 * 1024);
    const socket = net.createConnection({
      host: this.host, port: this.port,
      onread: { buffer, callback: (nread, buf) => this.received(buf.subarray(0, nread)) },
    });
    socket.setNoDelay(true);
    const fail = (err) => {
      if (this.socket !== socket) return;
      this.socket = null;
      const waiters = this.waiters;
      this.waiters = [];
      for (const waiter of waiters) waiter.reject(err ?? new Error("the Runtime API closed the connection"));
    };
    socket.on("error", fail);
    socket.on("close", () => fail());
    this.socket = socket;
    this.pending = null;
    this.needed = 0;
  }

  received(chunk) {
    let data = chunk;
    if (this.pending !== null) {
      // A long answer comes in many reads: keep copies, join them once it is all there.
      this.pending.push(Buffer.from(chunk));
      this.pendingLength += chunk.length;
      if (this.pendingLength < this.needed) return;
      data = Buffer.concat(this.pending, this.pendingLength);
    }
    let offset = 0;
    this.needed = 0;
    while (this.waiters.length) {
      const end = data.indexOf("\r\n\r\n", offset);
      if (end < 0) break;
      const lines = data.toString("latin1", offset, end).split("\r\n");
      const status = Number(lines[0].split(" ")[1]);
      const headers = {};
      for (let i = 1; i < lines.length; i++) {
        const colon = lines[i].indexOf(":");
        headers[lines[i].slice(0, colon).trim().toLowerCase()] = lines[i].slice(colon + 1).trim();
      }
      const stop = end + 4 + Number(headers["content-length"] ?? 0);
      if (data.length < stop) {
        this.needed = stop - offset;
        break;
      }
      const body = data.toString("utf8", end + 4, stop);
      offset = stop;
      const waiter = this.waiters.shift();
      const socket = this.socket;
      if (!this.waiters.length) socket.unref();
      if (headers.connection === "close") socket.destroy();
      waiter.resolve({ status, headers, body });
    }
    if (offset >= data.length) {
      this.pending = null;
    } else {
      this.pending = [Buffer.from(data.subarray(offset))];
      this.pendingLength = data.length - offset;
    }
  }

  // Send `requests` ([method, path, body, headers] each) in one write, without waiting for
  // earlier answers; the promise resolves with the last one's answer once every answer is in.
  send(requests) {
    return new Promise((resolve, reject) => {
      if (!this.socket || this.socket.destroyed) this.connect();
      for (let i = 0; i < requests.length; i++) {
        this.waiters.push(i === requests.length - 1 ? { resolve, reject } : { resolve: ignore, reject });
      }
      this.socket.ref();
      this.socket.write(requests.some((request) => request[3]) ? this.encode(requests) : this.text(requests));
    });
  }

  // Requests without headers of their own (an answer and the next /next): one string, written
  // as UTF-8 by the socket itself (no Buffer per part, no concat).
  text(requests) {
    let out = "";
    for (const [method, urlPath, body] of requests) {
      out += `${method} ${BASE}${urlPath} HTTP/1.1\r\nHost: ${this.address}\r\n`;
      out += body === undefined || body.length === 0
        ? "Content-Length: 0\r\n\r\n"
        : `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    }
    return out;
  }

  // Requests with headers (an error's type): heads in latin1, as header values are sent.
  encode(requests) {
    const chunks = [];
    for (const [method, urlPath, body, headers] of requests) {
      let head = `${method} ${BASE}${urlPath} HTTP/1.1\r\nHost: ${this.address}\r\n`;
      if (headers) for (const name in headers) head += `${name}: ${headers[name]}\r\n`;
      if (body === undefined || body.length === 0) {
        chunks.push(Buffer.from(head + "Content-Length: 0\r\n\r\n", "latin1"));
      } else {
        const data = Buffer.from(body);
        head += `Content-Type: application/json\r\nContent-Length: ${data.length}\r\n\r\n`;
        chunks.push(Buffer.from(head, "latin1"), data);
      }
    }
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
  }
}

const ignore = () => {};
const client = new RuntimeClient(API);
const call = (method, urlPath, body, headers) => client.send([[method, urlPath, body, headers]]);

function errorBody(err) {
  if (err instanceof Error) {
    return {
      errorType: err.name || "Error",
      errorMessage: err.message,
      trace: typeof err.stack === "string" ? err.stack.split("\n") : [],
    };
  }
  return { errorType: typeof err, errorMessage: String(err), trace: [] };
}

// The request that posts `err` to `urlPath`: [method, path, body, headers].
function errorRequest(urlPath, err) {
  const body = errorBody(err);
  return ["POST", urlPath, JSON.stringify(body), { "Lambda-Runtime-Function-Error-Type": body.errorType }];
}

async function postError(urlPath, err) {
  await call(...errorRequest(urlPath, err));
}

async function initError(err) {
  console.error(`${err.name || "Error"}: ${err.message}`);
  await postError("/init/error", err);
  process.exit(129);
}

class RuntimeError extends Error {
  constructor(name, message) {
    super(message);
    this.name = name;
  }
}

// -- loading the handler ---------------------------------------------------------------------

async function loadHandler() {
  const slash = HANDLER.lastIndexOf("/");
  const dir = HANDLER.slice(0, slash + 1);
  const tail = HANDLER.slice(slash + 1);
  const dot = tail.indexOf(".");
  if (dot < 1) throw new RuntimeError("Runtime.MalformedHandlerName", `Bad handler ${HANDLER}`);
  const moduleName = dir + tail.slice(0, dot);
  const exportPath = tail.slice(dot + 1).split(".");
  const base = path.resolve(TASK_ROOT, moduleName);
  const file = [".js", ".mjs", ".cjs"].map((ext) => base + ext).find((f) => fs.existsSync(f));
  if (!file) {
    throw new RuntimeError("Runtime.ImportModuleError", `Error: Cannot find module '${moduleName}'`);
  }
  let mod;
  try {
    mod = await import(pathToFileURL(file).href);
  } catch (err) {
    if (err instanceof SyntaxError) throw new RuntimeError("Runtime.UserCodeSyntaxError", `${err.name}: ${err.message}`);
    throw new RuntimeError("Runtime.ImportModuleError", `${err.name}: ${err.message}`);
  }
  const find = (root) => exportPath.reduce((obj, key) => (obj == null ? undefined : obj[key]), root);
  const handler = find(mod) ?? find(mod.default);
  if (handler === undefined) {
    throw new RuntimeError("Runtime.HandlerNotFound", `${moduleName}.${exportPath.join(".")} is undefined or not exported`);
  }
  if (typeof handler !== "function") {
    throw new RuntimeError("Runtime.HandlerNotFound", `${moduleName}.${exportPath.join(".")} is not a function`);
  }
  return handler;
}

// -- the context -----------------------------------------------------------------------------

function makeContext(headers, settle) {
  const deadline = Number(headers["lambda-runtime-deadline-ms"]);
  const name = process.env.AWS_LAMBDA_FUNCTION_NAME;
  const parse = (value) => (value ? JSON.parse(value) : undefined);
  let waits = true;
  return {
    awsRequestId: headers["lambda-runtime-aws-request-id"],
    invokedFunctionArn: headers["lambda-runtime-invoked-function-arn"],
    functionName: name,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    clientContext: parse(headers["lambda-runtime-client-context"]),
    identity: parse(headers["lambda-runtime-cognito-identity"]),
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    get callbackWaitsForEmptyEventLoop() { return waits; },
    set callbackWaitsForEmptyEventLoop(value) { waits = Boolean(value); },
    done: (err, result) => settle(err, result, false),
    succeed: (result) => settle(null, result, false),
    fail: (err) => settle(err ?? "handled", undefined, false),
  };
}

// -- one invocation --------------------------------------------------------------------------

function invoke(handler, event, headers) {
  return new Promise((resolve) => {
    let finished = false;
    let onEmpty = null;
    const settle = (err, result, waitForLoop) => {
      if (finished) return;
      finished = true;
      if (onEmpty) process.removeListener("beforeExit", onEmpty);
      const answer = () => resolve({ err, result });
      // A callback answer waits for the event loop to empty unless the handler said not to.
      if (waitForLoop && context.callbackWaitsForEmptyEventLoop) process.once("beforeExit", answer);
      else answer();
    };
    const context = makeContext(headers, settle);
    const callback = (err, result) => settle(err ?? null, result, true);
    try {
      const returned = handler(event, context, callback);
      if (returned && typeof returned.then === "function") {
        returned.then((result) => settle(null, result, false), (err) => settle(err ?? "undefined", undefined, false));
      } else {
        // Neither a promise nor (yet) the callback: as on Lambda, the answer is the callback's,
        // or null once the event loop is empty (a plain return value is not the answer).
        onEmpty = () => settle(null, undefined, false);
        process.once("beforeExit", onEmpty);
      }
    } catch (err) {
      settle(err, undefined, false);
    }
  });
}

async function main() {
  patchConsole();
  let handler;
  try {
    handler = await loadHandler();
  } catch (err) {
    await initError(err);
    return;
  }
  let next = await call("GET", "/invocation/next");
  for (;;) {
    if (next.status !== 200) throw new Error(`Runtime API /next answered ${next.status}: ${next.body}`);
    const requestId = next.headers["lambda-runtime-aws-request-id"];
    currentRequestId = requestId;
    process.env._X_AMZN_TRACE_ID = next.headers["lambda-runtime-trace-id"] || "";
    const event = JSON.parse(next.body || "null");
    const { err, result } = await invoke(handler, event, next.headers);
    const answer = err !== null && err !== undefined
      ? errorRequest(`/invocation/${requestId}/error`, err)
      : ["POST", `/invocation/${requestId}/response`, JSON.stringify(result === undefined ? null : result)];
    // The answer and the next /next in one write (a failure of either ends the runtime).
    next = await client.send([answer, ["GET", "/invocation/next"]]);
  }
}

// A fatal error is posted on a connection of its own, then the runtime exits: the main one may
// have a /next waiting behind which the answer would queue until the next event.
function postFatal(err, code) {
  const urlPath = currentRequestId ? `/invocation/${currentRequestId}/error` : "/init/error";
  new RuntimeClient(API).send([errorRequest(urlPath, err)]).finally(() => process.exit(code));
}

process.on("uncaughtException", (err) => {
  console.error("Uncaught Exception", err);
  postFatal(err, 129);
});
process.on("unhandledRejection", (reason) => {
  const err = new RuntimeError("Runtime.UnhandledPromiseRejection", `${reason instanceof Error ? reason.stack : reason}`);
  console.error("Unhandled Promise Rejection", err);
  postFatal(err, 128);
});

main();
