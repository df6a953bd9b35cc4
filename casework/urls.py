from django.urls import path

from . import meetings, plan_steps, record, sharing, views

app_name = "casework"

urlpatterns = [
    path("clients/<int:pk>/assessments/new/", views.assessment_create, name="assessment_create"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("assessments/<int:pk>/edit/", views.assessment_edit, name="assessment_edit"),
    path("clients/<int:pk>/plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/review/", views.plan_review, name="plan_review"),
    path("plans/<int:pk>/confirm/", plan_steps.plan_confirm, name="plan_confirm"),
    path("plans/<int:pk>/withdraw/", plan_steps.plan_withdraw, name="plan_withdraw"),
    path("plans/<int:pk>/consent/", plan_steps.plan_consent, name="plan_consent"),
    path("plans/<int:pk>/monitoring/", plan_steps.plan_monitor, name="plan_monitor"),
    path("plans/<int:pk>/print/", plan_steps.plan_print, name="plan_print"),
    path("clients/<int:pk>/sharing-consents/new/", sharing.consent_create, name="consent_create"),
    path("sharing-consents/<int:pk>/withdraw/", sharing.consent_withdraw, name="consent_withdraw"),
    path("clients/<int:pk>/record/", record.case_record, name="case_record"),
    path("reviews/", views.review_list, name="review_list"),
    path("meetings/", meetings.meeting_list, name="meeting_list"),
    path("meetings/new/", meetings.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("decisions/<int:pk>/done/", meetings.decision_done, name="decision_done"),
]
