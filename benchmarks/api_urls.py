"""The product's URLs and, for the API benchmark only, a hello-world view: the same server, middleware and
process, none of the API's work — the denominator of the API reads' ratios."""

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, include, path


def hello(request: HttpRequest) -> HttpResponse:
    """Hello, world: a response through the whole middleware stack, with no database."""
    return HttpResponse(b"hello, world", content_type="text/plain")


urlpatterns: list[URLPattern | URLResolver] = [
    path("bench/hello", hello, name="bench-hello"),
    path("", include("offerdesk.config.urls")),
]
