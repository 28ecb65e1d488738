"""Pages for the public, without login: the tip-off form (12350) and its status lookup."""

from hazards.views import public

app_name = "hazards_public"

urlpatterns = [*public.urlpatterns]
