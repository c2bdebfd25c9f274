"""Facilitation: starter prompts on a schedule, never a blank board, first posts answered, private review, nudges.

A Django app nested in the onboarding package (label "facilitation") with its own tables and migrations.
"""
