"""Forwarding to HTTP upstreams, shared by the HTTP proxy and private integrations.

``outgoing`` builds the request that leaves the gateway (``headers``: hop-by-hop and
``x-forwarded-*``), ``mapping`` applies parameter mapping, ``balancer`` picks targets and keeps
their health, ``client`` owns the pooled keep-alive HTTP/1.1 client (asyncio + httptools, in
``services.shared``), and ``forward`` sends, maps faults to AWS's answers and relays the response.
``pipeline`` ties them together per integration; what does not change between requests (method,
mappings, timeout, TLS, balancer: ``forward.Hop``) is read from the spec once, at deploy.
"""
