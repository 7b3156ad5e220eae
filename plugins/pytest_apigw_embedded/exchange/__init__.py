"""Shared exchange types of one request: the request, its context (API, stage, matched route,
services), the gateway's response, and the ASGI types. Every floor above imports these; they
import only ``server``, ``lambda_runtime`` and ``aws`` below them."""
