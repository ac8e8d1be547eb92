"""Routes of the owner dashboard, under /dashboard/."""

from django.urls import path

from shareportal import converters  # noqa: F401  (registers <share_id:>)

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.index, name="index"),
    path("signin/", views.signin, name="signin"),
    path("oauth/callback/", views.oauth_callback, name="oauth_callback"),
    path("signout/", views.signout, name="signout"),
    path("shares/new/", views.share_new, name="share_new"),
    path("shares/<share_id:share_id>/", views.share_detail, name="share_detail"),
    path("shares/<share_id:share_id>/edit/", views.share_edit, name="share_edit"),
    path("shares/<share_id:share_id>/status/", views.share_status, name="share_status"),
    path("shares/<share_id:share_id>/cancel/", views.share_cancel, name="share_cancel"),
    path("shares/<share_id:share_id>/embed/", views.share_embed, name="share_embed"),
    path("shares/<share_id:share_id>/qr.svg", views.share_qr, name="share_qr"),
]
