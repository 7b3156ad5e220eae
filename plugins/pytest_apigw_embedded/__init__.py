"""pytest-apigw's embedded backend: an in-process API Gateway v2 emulator on loopback.

The flow: ``server/`` (event loop, listeners) → ``gateway/`` (stage → route → integration →
response) → ``integrations/`` (one module per integration type) → ``lambda_runtime/``.
"""
