from django.urls import path

from . import views

app_name = "exchange"

urlpatterns = [
    path("import/", views.import_upload, name="import"),
    path("import/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("export/", views.export_all, name="export_all"),
]
