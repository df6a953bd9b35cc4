from django.urls import path

from .views import days, events, sessions

app_name = "outreach"

urlpatterns = [
    path("sessions/", sessions.session_list, name="session_list"),
    path("sessions/new/", sessions.session_create, name="session_create"),
    path("sessions/generate/", sessions.session_generate, name="session_generate"),
    path("sessions/<int:pk>/", sessions.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", sessions.session_edit, name="session_edit"),
    path("sessions/<int:pk>/cancel/", sessions.session_cancel, name="session_cancel"),
    path("sessions/<int:pk>/reopen/", sessions.session_reopen, name="session_reopen"),
    path("sessions/<int:pk>/attendance/", sessions.attendance_toggle, name="attendance_toggle"),
    path("sessions/<int:pk>/attendance/search/", sessions.attendance_search, name="attendance_search"),
    path(
        "sessions/<int:pk>/attendance/family/", sessions.attendance_add_family, name="attendance_add_family"
    ),
    path("days/", days.day_list, name="day_list"),
    path("days/new/", days.day_create, name="day_create"),
    path("days/<int:pk>/", days.day_detail, name="day_detail"),
    path("days/<int:pk>/edit/", days.day_edit, name="day_edit"),
    path("days/<int:pk>/reservations/", days.reservation_add, name="reservation_add"),
    path("days/<int:pk>/case-conference/", days.day_case_conference, name="day_case_conference"),
    path("reservations/<int:pk>/cancel/", days.reservation_cancel, name="reservation_cancel"),
    path("reservations/<int:pk>/outcome/", days.reservation_outcome, name="reservation_outcome"),
    path("events/", events.event_list, name="event_list"),
    path("events/new/", events.event_create, name="event_create"),
    path("events/<int:pk>/edit/", events.event_edit, name="event_edit"),
]
