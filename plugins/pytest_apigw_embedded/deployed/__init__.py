"""Deployed stages: which stage a request names and the routes that stage serves (HTTP route
matching in ``routing.py``, WebSocket route selection expressions in ``selection.py``). Built
from the spec at deploy, with the integrations and authorizers below."""
