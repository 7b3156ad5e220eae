// GET /books: the books on the shelf named by the SHELF environment variable.
exports.handler = async (event) => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ shelf: process.env.SHELF, path: event.rawPath, books: ['Dune', 'Emma'] }),
});
