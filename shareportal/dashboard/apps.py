from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "shareportal.dashboard"
    label = "dashboard"
