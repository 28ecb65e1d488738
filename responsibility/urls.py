from django.urls import path

from responsibility import views

app_name = "responsibility"

urlpatterns = [
    path("jurisdictions/", views.JurisdictionListView.as_view(), name="jurisdiction_list"),
    path("jurisdictions/import/", views.DivisionImportView.as_view(), name="division_import"),
    path("jurisdictions/<int:pk>/", views.JurisdictionDetailView.as_view(), name="jurisdiction_detail"),
    path("jurisdictions/<int:pk>/edit/", views.JurisdictionUpdateView.as_view(), name="jurisdiction_update"),
    path("organizations/", views.OrganizationListView.as_view(), name="organization_list"),
    path("organizations/new/", views.OrganizationCreateView.as_view(), name="organization_create"),
    path("organizations/<int:pk>/", views.OrganizationDetailView.as_view(), name="organization_detail"),
    path("organizations/<int:pk>/edit/", views.OrganizationUpdateView.as_view(), name="organization_update"),
    path("officials/", views.OfficialListView.as_view(), name="official_list"),
    path("officials/new/", views.OfficialCreateView.as_view(), name="official_create"),
    path("officials/<int:pk>/", views.OfficialDetailView.as_view(), name="official_detail"),
    path("officials/<int:pk>/edit/", views.OfficialUpdateView.as_view(), name="official_update"),
    path("officials/<int:official_pk>/posts/new/", views.PostCreateView.as_view(), name="post_create"),
    path("posts/<int:pk>/edit/", views.PostUpdateView.as_view(), name="post_update"),
]
