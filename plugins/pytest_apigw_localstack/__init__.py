"""pytest-apigw's LocalStack and AWS backends: specs provisioned through the real AWS API.

The flow: ``endpoint.py`` (which server, is it up) → ``clients.py`` (boto3 clients) →
``translate/`` (spec → AWS API calls, one module per resource family, every created resource
written to a ``ledger.Ledger``) → ``teardown.py`` (the ledger deleted in dependency order).
``packaging.py`` turns a ``Function`` into a zip; ``ministack.py`` runs a MiniStack server.
"""
