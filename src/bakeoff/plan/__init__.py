"""The plan stage (see DESIGN.md)."""
