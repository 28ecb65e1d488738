"""API serializers, one module per feature."""
