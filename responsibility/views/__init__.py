"""HTML views of the responsibility system, one module per feature; each module ends with its
``urlpatterns`` (collected in ``responsibility/urls.py``)."""
