"""Views: grids."""

urlpatterns: list = []
