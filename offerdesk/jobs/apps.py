from django.apps import AppConfig


class JobsConfig(AppConfig):
    """Scheduled work: the daily run today, the workers and schedules to come."""

    name = "offerdesk.jobs"
    label = "jobs"
