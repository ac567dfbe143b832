from django.apps import AppConfig


class SimulationConfig(AppConfig):
    name = "parcelhub.simulation"
    label = "simulation"
    verbose_name = "Demo world"
