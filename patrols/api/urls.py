from rest_framework.routers import DefaultRouter

from patrols.api import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
views.register(router)

urlpatterns = router.urls
