from django.urls import path

from portal.lazyviews import lazy_view

app_name = "metrics"
urlpatterns = [
    path("", lazy_view("metrics.views.index"), name="index"),
    path("export/<slug:slug>.csv", lazy_view("metrics.views.export"), name="export"),
    path("compare/", lazy_view("metrics.views.compare"), name="compare"),
    path("compare/export.csv", lazy_view("metrics.views.compare_export"), name="compare-export"),
    path("me/", lazy_view("metrics.views.me"), name="me"),
    path("me/export/<slug:slug>.csv", lazy_view("metrics.views.me_export"), name="me-export"),
    path("how-each-number-is-computed/", lazy_view("metrics.views.how_computed"), name="definitions"),
    path("trends/", lazy_view("metrics.views.trends"), name="trends"),
    path("trends/export/<slug:slug>.csv", lazy_view("metrics.views.trends_export"), name="trends-export"),
]
