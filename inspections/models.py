"""Models of the inspections app (filled by its own issue)."""
