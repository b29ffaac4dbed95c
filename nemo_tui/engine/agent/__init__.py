"""The rule-based editing agent: pure functions from a request and a draft to a new draft and an
answer. No I/O here (no PyAV, Starlette, SQLite, store or renderer): the turn orchestrator in
`engine.turn` does that."""
