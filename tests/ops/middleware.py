"""Test-only: the ops tests flush the database between tests, and Django then recreates the content
types with new ids; a long-lived gunicorn process must forget the ids it cached (production never
flushes). The worker does the same per task (CLEAR_CONTENT_TYPE_CACHE_PER_TASK)."""

from django.contrib.contenttypes.models import ContentType


def fresh_content_types(get_response):
    def middleware(request):
        ContentType.objects.clear_cache()
        return get_response(request)

    return middleware
