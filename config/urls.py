from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from core import views as core_views

api_v1 = [
    path("", include("core.api.urls")),
    path("", include("responsibility.api.urls")),
    path("", include("hazards.api.urls")),
    path("", include("inspections.api.urls")),
    path("", include("patrols.api.urls")),
    path("", include("assessments.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
]

urlpatterns = [
    path("", include("core.urls")),
    path("responsibility/", include("responsibility.urls")),
    path("hazards/", include("hazards.urls")),
    path("inspections/", include("inspections.urls")),
    path("patrols/", include("patrols.urls")),
    path("assessments/", include("assessments.urls")),
    path("public/", include("responsibility.urls_public")),
    path("public/tip-offs/", include("hazards.urls_public")),
    path("public/draws/", include("inspections.urls_public")),
    path("public/assessments/", include("assessments.urls_public")),
    path("api/v1/", include((api_v1, "api"))),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
]

handler400 = core_views.bad_request
handler403 = core_views.permission_denied
handler404 = core_views.page_not_found
handler500 = core_views.server_error

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
