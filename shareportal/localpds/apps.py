from django.apps import AppConfig


class LocalPdsConfig(AppConfig):
    name = "shareportal.localpds"
    label = "localpds"
    verbose_name = "Embedded PDS"
