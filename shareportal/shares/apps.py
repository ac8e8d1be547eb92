from django.apps import AppConfig


class SharesConfig(AppConfig):
    name = "shareportal.shares"
    label = "shares"
