"""The events Lambda functions receive from API Gateway: HTTP API payload 1.0 and 2.0
(``event_v1``/``event_v2`` over ``body``, ``headers``, ``query``) and WebSocket events
(``websocket``). Used by the Lambda integrations and by the Lambda authorizers."""
