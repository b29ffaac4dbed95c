"""The gateway's domain (SPEC 11): API keys, signed download links, the translation of a turn into
the WebSocket's dialect-B messages and the relay that carries a turn across reconnects. The routes
that serve it live in `engine.http.gateway` and `engine.http.gateway_ws`."""
