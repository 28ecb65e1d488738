"""Views: public."""

urlpatterns: list = []
