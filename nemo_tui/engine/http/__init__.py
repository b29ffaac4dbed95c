"""The engine's HTTP layer: the routes of SPEC.md, request checks and the error envelope. The only
part of the engine that knows Starlette or uvicorn."""
