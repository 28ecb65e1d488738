from patrols.views import coverage, findings, patrols, plans

app_name = "patrols"

FEATURE_VIEW_MODULES = (patrols, plans, coverage, findings)

urlpatterns = []
for _module in FEATURE_VIEW_MODULES:
    urlpatterns += _module.urlpatterns
