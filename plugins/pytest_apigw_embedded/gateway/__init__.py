"""The HTTP API gateway: the top of the HTTP request chain (``http_app``: limits → stage → CORS
→ route → authorize → integration → response) and CORS (``cors``). The WebSocket side is
:mod:`pytest_apigw_embedded.websocket`."""
