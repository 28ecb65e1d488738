"""Views (being built)."""

urlpatterns = []
