"""Views: committee."""

urlpatterns: list = []
