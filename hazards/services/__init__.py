"""Writes of the hazards app, one module per feature (ledger, supervision, reports, risk)."""
