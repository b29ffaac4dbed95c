"""The session core shared by the TUI and the headless CLI: route, run, and report typed updates."""
