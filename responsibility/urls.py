from responsibility.views import (
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

app_name = "responsibility"

FEATURE_VIEW_MODULES = (duties, power_lists, meetings, supervision, enterprises, grids, coverage, committee)

urlpatterns = [*backbone.urlpatterns]
for _module in FEATURE_VIEW_MODULES:
    urlpatterns += _module.urlpatterns
