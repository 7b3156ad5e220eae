"""The WebSocket side of the embedded gateway, one job per module.

The flow of one connection (driven by :mod:`pytest_apigw_embedded.gateway.websocket_app`)::

    handshake → stage (stages.py) → $connect (events.py, integrations/websocket_lambda.py)
      → accept / reject → registry (connections.py)
      → each message: limits (limits.py) → route selection (selection.py) → integration
        → two-way answer or error message
      → close (either side, idle timeout, @connections DELETE) → $disconnect

``management.py`` answers ``@connections/{id}`` on the same port; ``sdk_endpoint.py`` routes the
AWS SDK's ``apigatewaymanagementapi`` calls (``https://{domainName}/{stage}``) to it.
"""
