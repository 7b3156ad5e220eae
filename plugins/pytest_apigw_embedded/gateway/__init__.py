"""The request chain (stage, route, integration, response) of the embedded backend."""
