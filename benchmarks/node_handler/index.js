// The benchmarks' Node.js Lambda: the same small JSON answer as benchmarks/apis.py's `hello`.
const body = process.env.BODY;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

exports.hello = async () => ({ statusCode: 200, headers: { "content-type": "application/json" }, body });

exports.slow = async () => {
  await sleep(Number(process.env.SLEEP_MS || 50));
  return { statusCode: 200, headers: { "content-type": "application/json" }, body };
};
