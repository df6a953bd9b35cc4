from django.urls import path

from . import views_import

app_name = "reports"

urlpatterns = [
    path("import/", views_import.import_upload, name="import"),
    path("import/<int:pk>/confirm/", views_import.import_confirm, name="import_confirm"),
]
