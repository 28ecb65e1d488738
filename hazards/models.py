"""Models of the hazards app (filled by its own issue)."""
