"""Media files in the engine: what a file is (probe), how it arrives (uploads), procedural scenes
for "generate" requests, and the demo's sample media."""
