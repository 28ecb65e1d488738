from hazards.views import ledger, reports, risk, supervision

app_name = "hazards"

FEATURE_VIEW_MODULES = (ledger, supervision, reports, risk)

urlpatterns = []
for _module in FEATURE_VIEW_MODULES:
    urlpatterns += _module.urlpatterns
