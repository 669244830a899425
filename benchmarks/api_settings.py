"""The API benchmark's server settings: the development settings with DEBUG off (no query log kept per request),
the product's URLs plus one hello-world view (benchmarks.api_urls), and a rate limit no run reaches (the throttle
still counts every request: its cost is measured, its refusals are not)."""

from offerdesk.config.settings.dev import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "benchmarks.api_urls"
WHITENOISE_AUTOREFRESH = False
OFFERDESK_API_RATE_LIMIT = "100000000/m"
