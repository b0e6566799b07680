from django.urls import include, path

from tinhso.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("dang-nhap/", views.SignInView.as_view(), name="login"),
    path("dang-xuat/", views.SignOutView.as_view(), name="logout"),
    path("tai-khoan/", views.account, name="account"),
    path("tra-cuu/", views.lookup, name="lookup"),
    path("", include("tinhso.portal.urls_citizen")),
    path("nop-ho-so/", include("tinhso.portal.urls_submission")),
]
