"""Models of the assessments app (filled by its own issue)."""
