from rest_framework.routers import DefaultRouter

from hazards.api.views import ledger, reports, risk, supervision

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
for _module in (ledger, supervision, reports, risk):
    _module.register(router)

urlpatterns = router.urls
