from rest_framework.routers import DefaultRouter

from responsibility.api.views import (
    backbone,
    committee,
    coverage,
    duties,
    enterprises,
    grids,
    meetings,
    power_lists,
    supervision,
)

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
for module in (backbone, duties, power_lists, meetings, supervision, enterprises, grids, coverage, committee):
    module.register(router)

urlpatterns = router.urls
