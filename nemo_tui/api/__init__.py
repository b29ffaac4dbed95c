"""The protocol layer: wire models, the draft, error codes, and the async client (SPEC.md)."""
