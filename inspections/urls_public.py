"""Pages for the public, without login: the published random draws and their outcomes."""

from inspections.views import public

app_name = "inspections_public"

urlpatterns = [*public.urlpatterns]
