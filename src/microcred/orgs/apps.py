from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "microcred.orgs"
    label = "orgs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # local: models cannot be imported before the app registry is ready
        from microcred.accounts.signals import roles_asked
        from microcred.orgs.receivers import roles_held

        roles_asked.connect(roles_held, dispatch_uid="orgs.roles_held")
