"""A thin, faithful REST v2 gateway for Milvus's user routes, in front of a real Milvus gRPC server.

Milvus 2.3.5 (the embedded test target) has no REST v2 API; this gateway serves
``POST /v2/vectordb/users/{create,list,describe,drop,update_password,grant_role,revoke_role}`` the way
Milvus's own REST v2 handler does, by calling the real server's gRPC API with the caller's
credentials. See ``routes.py`` for the pipeline and the Milvus sources it follows.

    from milvus_conformance.target.gateway import start_gateway
    gw = start_gateway(milvus_address="127.0.0.1:19530", host="127.0.0.1", port=0,
                       authorization_enabled=True)
    gw.base_url   # "http://127.0.0.1:54321"
    gw.stop()     # idempotent
"""

from milvus_conformance.target.gateway.app import GatewayHandle, start_gateway

__all__ = ["GatewayHandle", "start_gateway"]
