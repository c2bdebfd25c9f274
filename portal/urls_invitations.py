"""Invitations (URL names under ``invitations:``)."""

urlpatterns: list = []
