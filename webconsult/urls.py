from django.urls import path

from . import views

app_name = "webconsult"
urlpatterns = [
    path("public/", views.public_form, name="public_form"),
    path("public/sent/", views.public_sent, name="public_sent"),
    path("public/privacy/", views.public_privacy, name="public_privacy"),
    path("webconsult/", views.inbox, name="inbox"),
    path("webconsult/<int:pk>/", views.detail, name="detail"),
    path("webconsult/<int:pk>/record/", views.record, name="record"),
    path("webconsult/<int:pk>/close/", views.close, name="close"),
]
