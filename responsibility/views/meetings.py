"""Views: meetings."""

urlpatterns: list = []
