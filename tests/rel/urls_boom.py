"""A URLconf for the 500 page's test: the portal's URLs plus one view that fails after reading a form."""

from django.urls import path

from portal.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def boom(request):
    request.POST.get("body")
    raise RuntimeError("the database went away mid-write")


urlpatterns = [*urlpatterns, path("boom/", boom)]
