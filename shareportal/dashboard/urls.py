"""Routes of the owner dashboard, under /dashboard/."""

from django.urls import path, re_path

from . import views

app_name = "dashboard"

# The share id shape the portal accepts (pds-api.md Part A item 8); others are our own 404.
SHARE = r"^shares/(?P<share_id>[A-Za-z0-9_-]{4,64})"

urlpatterns = [
    path("", views.index, name="index"),
    path("signin/", views.signin, name="signin"),
    path("oauth/callback/", views.oauth_callback, name="oauth_callback"),
    path("signout/", views.signout, name="signout"),
    path("shares/new/", views.share_new, name="share_new"),
    re_path(rf"{SHARE}/$", views.share_detail, name="share_detail"),
    re_path(rf"{SHARE}/edit/$", views.share_edit, name="share_edit"),
    re_path(rf"{SHARE}/status/$", views.share_status, name="share_status"),
    re_path(rf"{SHARE}/cancel/$", views.share_cancel, name="share_cancel"),
    re_path(rf"{SHARE}/qr\.svg$", views.share_qr, name="share_qr"),
]
