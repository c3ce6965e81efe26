"""Dock panels: each edits one section of the session config."""
