from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo showroom (``microcred demo``): its micro-credentials and stack as authoring
    files under ``content/``, and the people and their journeys built through the services
    (no models)."""

    name = "microcred.demo"
    label = "demo"
