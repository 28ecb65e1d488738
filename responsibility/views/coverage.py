"""Views: coverage."""

urlpatterns: list = []
