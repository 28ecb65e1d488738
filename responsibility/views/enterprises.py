"""Views: enterprises."""

urlpatterns: list = []
