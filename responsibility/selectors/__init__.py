"""Reads of the responsibility system that are more than a filter (aggregations, evaluations),
one module per feature."""
