"""Views: duties."""

urlpatterns: list = []
