from django.urls import path

from tinhso.administration import (
    views,
    views_agencies,
    views_calendar,
    views_import,
    views_procedures,
    views_staff,
)

app_name = "administration"
urlpatterns = [
    path("", views.index, name="index"),
    # Procedures (the catalogue)
    path("thu-tuc/", views_procedures.procedure_list, name="procedures"),
    path("thu-tuc/moi/", views_procedures.procedure_create, name="procedure_create"),
    path("thu-tuc/nhap/", views_import.catalogue_import, name="catalogue_import"),
    path(
        "thu-tuc/nhap/<str:token>/",
        views_import.catalogue_import_confirm,
        name="catalogue_import_confirm",
    ),
    path("thu-tuc/<str:code>/", views_procedures.procedure_detail, name="procedure"),
    path("thu-tuc/<str:code>/ngung/", views_procedures.procedure_retire, name="procedure_retire"),
    path(
        "thu-tuc/<str:code>/phien-ban/<int:number>/",
        views_procedures.version_detail,
        name="version",
    ),
    path(
        "thu-tuc/<str:code>/phien-ban/<int:number>/sua/",
        views_procedures.version_edit,
        name="version_edit",
    ),
    path(
        "thu-tuc/<str:code>/phien-ban/<int:number>/cong-bo/",
        views_procedures.version_publish,
        name="version_publish",
    ),
    path(
        "thu-tuc/<str:code>/phien-ban/<int:number>/rut-cong-bo/",
        views_procedures.version_unpublish,
        name="version_unpublish",
    ),
    # Calendar
    path("lich/", views_calendar.calendar, name="calendar"),
    path("lich/dieu-chinh/", views_calendar.override_set, name="override_set"),
    path("lich/dieu-chinh/<str:day>/bo/", views_calendar.override_remove, name="override_remove"),
    path("lich/gio-lam-viec/", views_calendar.office_hours, name="office_hours"),
    # Staff and roles
    path("can-bo/", views_staff.staff_list, name="staff"),
    path("can-bo/moi/", views_staff.staff_create, name="staff_create"),
    path("can-bo/<str:username>/", views_staff.staff_member, name="staff_member"),
    path(
        "can-bo/<str:username>/vai-tro/<int:assignment>/ket-thuc/",
        views_staff.role_end,
        name="role_end",
    ),
    # Agencies
    path("co-quan/", views_agencies.agency_list, name="agencies"),
    path("co-quan/moi/", views_agencies.agency_create, name="agency_create"),
    path("co-quan/<str:code>/", views_agencies.agency_edit, name="agency"),
    path("co-quan/<str:code>/sap-nhap/", views_agencies.agency_merge, name="agency_merge"),
]
