"""Public pages: the tip-off form and status lookup (being built)."""

urlpatterns = []
