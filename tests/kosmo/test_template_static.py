"""kosmo.template_static: a `{% static "…" %}` of a plain path is looked up once and writes
exactly what Django's tag writes; a path from a variable is Django's own tag."""

import pytest
from django.template import Context, Engine, engines

from kosmo import template_static

OURS = Engine(libraries={"static": "kosmo.template_static"})
DJANGOS = Engine(libraries={"static": "django.templatetags.static"})

TEMPLATES = [
    "{% load static %}{% static 'css/portal.css' %}",
    '{% load static %}{% static "img/favicon.svg" as icon %}[{{ icon }}]',
    "{% load static %}{% static 'a b&c.css' %}",
    "{% load static %}{% static path %}",
    "{% load static %}{% get_static_prefix %}|{% get_media_prefix %}",
]


@pytest.mark.parametrize("source", TEMPLATES)
def test_the_same_output_as_djangos_tag(source):
    for autoescape in (True, False):
        for _ in range(2):
            context = {"path": "js/portal.js"}
            assert OURS.from_string(source).render(Context(context, autoescape=autoescape)) == (
                DJANGOS.from_string(source).render(Context(context, autoescape=autoescape))
            )


def test_only_plain_paths_are_kept():
    def kinds(source):
        return {type(node).__name__ for node in OURS.from_string(source).nodelist}

    assert "ConstantStaticNode" in kinds(TEMPLATES[0])
    assert "ConstantStaticNode" in kinds(TEMPLATES[1])
    assert "ConstantStaticNode" not in kinds(TEMPLATES[3])


def test_new_static_settings_are_not_served_from_memory(settings):
    template = OURS.from_string(TEMPLATES[0])
    before = template.render(Context())
    settings.STATIC_URL = "/assets/"
    assert template_static._generation > 0
    assert template.render(Context()) == "/assets/css/portal.css" != before


def test_the_portals_templates_use_it_and_the_checks_stay_quiet():
    backend = engines["django"]
    assert backend.engine.libraries["static"] == "kosmo.template_static"
    assert backend._check_for_template_tags_with_the_same_name() == []
