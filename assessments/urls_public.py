"""Public pages of the assessments app: published results (no login)."""

from assessments.views import public

app_name = "assessments_public"

urlpatterns = [*public.urlpatterns]
