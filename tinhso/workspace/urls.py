from django.urls import include, path

app_name = "workspace"
urlpatterns = [
    path("", include("tinhso.workspace.urls_dossiers")),
    path("", include("tinhso.workspace.urls_desk")),
]
