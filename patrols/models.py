"""Models of the patrols app (filled by its own issue)."""
