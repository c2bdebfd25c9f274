from django.urls import path

from . import views

app_name = "metrics"
urlpatterns = [
    path("", views.index, name="index"),
    path("export/<slug:slug>.csv", views.export, name="export"),
    path("compare/", views.compare, name="compare"),
    path("compare/export.csv", views.compare_export, name="compare-export"),
    path("me/", views.me, name="me"),
    path("me/export/<slug:slug>.csv", views.me_export, name="me-export"),
    path("how-each-number-is-computed/", views.how_computed, name="definitions"),
    path("trends/", views.trends, name="trends"),
    path("trends/export/<slug:slug>.csv", views.trends_export, name="trends-export"),
]
