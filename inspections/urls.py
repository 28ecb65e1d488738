from inspections.views import campaigns, checklists, draws, flags, quotas, records, rounds

app_name = "inspections"

#: Each feature's views module: its ``urlpatterns`` are mounted here and its ``NAV`` and
#: ``HOME_PANELS`` registered in ``InspectionsConfig.ready``.
FEATURE_VIEW_MODULES = (records, checklists, quotas, flags, campaigns, draws, rounds)

urlpatterns = []
for _module in FEATURE_VIEW_MODULES:
    urlpatterns += _module.urlpatterns
