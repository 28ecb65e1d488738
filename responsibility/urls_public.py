"""Pages the public sees without logging in (向社会公布)."""

from responsibility.views import public

app_name = "public"

urlpatterns = [*public.urlpatterns]
