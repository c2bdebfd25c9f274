"""The composer's textarea without the editor's configuration in the page (issue 13).

The configuration (≈1.3 KB of JSON per composer) is only read by forums.js when the editor loads, and on the
topic page the editor loads on demand; there the textarea carries ``data-editor-config`` (the URL of
forums:editor-config) instead, and forums.js fetches it with the editor.
"""

import copy

from django import template
from django.urls import reverse

register = template.Library()


def _without_config(widget):
    class ConfigLeftOut(type(widget)):
        def get_context(self, name, value, attrs):
            context = super().get_context(name, value, attrs)
            context["widget"]["attrs"].pop(f"data-django-prose-editor-{self.preset}", None)
            return context

    lazy = copy.copy(widget)
    lazy.__class__ = ConfigLeftOut
    return lazy


@register.simple_tag
def editor_textarea(bound_field):
    """``bound_field`` (a ProseEditorFormField) as its textarea, pointing at the configuration's URL."""
    return bound_field.as_widget(
        widget=_without_config(bound_field.field.widget), attrs={"data-editor-config": reverse("forums:editor-config")}
    )
