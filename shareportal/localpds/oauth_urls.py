"""Routes: see urls.py."""

urlpatterns: list = []
