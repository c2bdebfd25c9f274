"""People directory, profiles, follows and cohorts (URL names under ``people:``)."""

urlpatterns: list = []
