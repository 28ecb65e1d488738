from assessments.views import accidents, accountability, rounds, schemes

app_name = "assessments"

# Each feature's views module declares its ``urlpatterns`` (and ``NAV``/``HOME_PANELS``, read by
# AssessmentsConfig.ready), so the features can grow without touching this file.
FEATURE_VIEW_MODULES = (accidents, rounds, schemes, accountability)

urlpatterns = []
for _module in FEATURE_VIEW_MODULES:
    urlpatterns += _module.urlpatterns
