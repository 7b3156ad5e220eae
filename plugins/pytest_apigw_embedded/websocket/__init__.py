"""The WebSocket API gateway: the top of the WebSocket chain, one job per module.

The flow of one connection (driven by :mod:`pytest_apigw_embedded.websocket.app`)::

    handshake → stage (deployed/websocket_stages.py) → $connect authorizer (authorizers/)
      → $connect (lambda_events/websocket.py, integrations/websocket_lambda.py)
      → accept / reject → registry (connections.py)
      → each message: limits (limits.py) → route selection (deployed/selection.py)
        → integration → two-way answer or error message (replies.py)
      → close (either side, idle timeout, @connections DELETE) → $disconnect

``management.py`` answers ``@connections/{id}`` on the same port; ``sdk_endpoint.py`` routes the
AWS SDK's ``apigatewaymanagementapi`` calls (``https://{domainName}/{stage}``) to it.
"""
