// A CommonJS handler served by AWS's aws-lambda-ric.
let calls = 0;

exports.handler = async (event, context) => {
  calls += 1;
  console.log("ric call", calls);
  return {
    statusCode: 200,
    body: JSON.stringify({ calls, requestId: context.awsRequestId, fn: context.functionName, path: event.rawPath }),
  };
};
