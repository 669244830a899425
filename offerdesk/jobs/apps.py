from django.apps import AppConfig


class JobsConfig(AppConfig):
    """Scheduled work: the daily run, the schedule that enqueues it, the workers that run the queue, health."""

    name = "offerdesk.jobs"
    label = "jobs"
