"""Views: power_lists."""

urlpatterns: list = []
