"""Views: supervision."""

urlpatterns: list = []
