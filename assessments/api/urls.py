from rest_framework.routers import DefaultRouter

from assessments.api.views import accidents, accountability, rounds

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
for _module in (accidents, rounds, accountability):
    _module.register(router)

urlpatterns = router.urls
