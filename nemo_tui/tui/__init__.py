"""The Textual app: four live panes over the session core (files, chat, timeline, status)."""
