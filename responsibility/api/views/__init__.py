"""API viewsets, one module per feature; each module has ``register(router)``."""
