from django.urls import path

from . import views

app_name = "retention"

urlpatterns = [
    path("expired/", views.expired, name="expired"),
    path("expired/relist/", views.relist, name="relist"),
    path("disclosure/<int:pk>/", views.disclosure, name="disclosure"),
]
