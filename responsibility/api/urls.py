from rest_framework.routers import DefaultRouter

from responsibility.api import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("jurisdictions", views.JurisdictionViewSet)
router.register("organizations", views.OrganizationViewSet)
router.register("officials", views.OfficialViewSet)
router.register("posts", views.PostViewSet)

urlpatterns = router.urls
