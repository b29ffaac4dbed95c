"""nemo-tui: a terminal app for the NemoVideo editing agent, and a local engine for its protocol."""

__version__ = "0.1.0"
