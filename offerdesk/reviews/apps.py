from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "offerdesk.reviews"
    label = "reviews"
