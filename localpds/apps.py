from django.apps import AppConfig


class LocalPdsConfig(AppConfig):
    name = "localpds"
    label = "localpds"
    verbose_name = "Embedded PDS"
