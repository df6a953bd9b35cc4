from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("annual/", views.annual, name="annual"),
    path("annual/download/", views.annual_download, name="annual_download"),
    path("annual/finalize/", views.annual_finalize, name="annual_finalize"),
    path("annual/finalized/<int:pk>/", views.finalized_download, name="finalized_download"),
]
