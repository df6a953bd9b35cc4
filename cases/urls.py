from django.urls import path

from .views import clients, consultations, handover

app_name = "cases"

urlpatterns = [
    path("consultations/", consultations.consultation_list, name="consultation_list"),
    path("consultations/new/", consultations.consultation_create, name="consultation_create"),
    path("consultations/family-options/", consultations.family_options, name="family_options"),
    path("consultations/export.<str:fmt>", consultations.consultation_export, name="consultation_export"),
    path("consultations/<int:pk>/", consultations.consultation_detail, name="consultation_detail"),
    path("consultations/<int:pk>/edit/", consultations.consultation_edit, name="consultation_edit"),
    path("consultations/<int:pk>/archive/", consultations.consultation_archive, name="consultation_archive"),
    path("consultations/archived/", consultations.consultation_archived_list, name="consultation_archived"),
    path("consultations/<int:pk>/restore/", consultations.consultation_restore, name="consultation_restore"),
    path(
        "consultations/<int:pk>/follow-up-done/",
        consultations.consultation_follow_up_done,
        name="consultation_follow_up_done",
    ),
    path("consultations/<int:pk>/attach/", consultations.consultation_attach, name="consultation_attach"),
    path("clients/", clients.client_list, name="client_list"),
    path("clients/new/", clients.client_create, name="client_create"),
    path("clients/suggest/", clients.client_suggest, name="client_suggest"),
    path("clients/duplicates/", clients.client_duplicates, name="client_duplicates"),
    path("clients/hand-over/", handover.hand_over, name="hand_over"),
    path("clients/merge/", clients.client_merge, name="client_merge"),
    path("clients/<int:pk>/", clients.client_detail, name="client_detail"),
    path("clients/<int:pk>/edit/", clients.client_edit, name="client_edit"),
    path("clients/<int:pk>/family/", clients.family_add, name="family_add"),
    path("clients/<int:pk>/close/", clients.client_close, name="client_close"),
    path("clients/<int:pk>/reopen/", clients.client_reopen, name="client_reopen"),
    path("clients/<int:pk>/transfer/", clients.client_transfer, name="client_transfer"),
]
