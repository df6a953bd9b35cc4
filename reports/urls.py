from django.urls import path

from . import views, views_import

app_name = "reports"

urlpatterns = [
    path("annual/", views.annual, name="annual"),
    path("annual/download/", views.annual_download, name="annual_download"),
    path("annual/finalize/", views.annual_finalize, name="annual_finalize"),
    path("annual/finalized/<int:pk>/", views.finalized_download, name="finalized_download"),
    path("import/", views_import.import_upload, name="import"),
    path("import/<int:pk>/confirm/", views_import.import_confirm, name="import_confirm"),
]
