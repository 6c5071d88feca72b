"""kosmo.template_url: a `{% url %}` of literals is reversed once and writes exactly what
Django's tag writes; any other `{% url %}` is Django's own."""

import pytest
from django.template import Context, Engine, engines
from django.urls import NoReverseMatch, set_script_prefix

from kosmo import template_url

OURS = Engine(builtins=["kosmo.template_url"])
DJANGOS = Engine()

TEMPLATES = [
    "{% url 'medical:latest' %}",
    '{% url "medical:etax_xml" 2025 %}',
    "{% url 'medical:etax_xml' year=2024 %}",
    "{% url 'document_status' 7 as link %}[{{ link }}]",
    "{% url 'no-such-view' as link %}[{{ link }}]",
    "{% url name %}",
    "{% url 'medical:etax_xml' year %}",
]


@pytest.mark.parametrize("source", TEMPLATES)
def test_the_same_output_as_djangos_tag(source):
    context = {"name": "medical:annual", "year": 2023}
    for autoescape in (True, False):
        for _ in range(2):  # the first rendering fills, the second reads
            assert OURS.from_string(source).render(Context(context, autoescape=autoescape)) == (
                DJANGOS.from_string(source).render(Context(context, autoescape=autoescape))
            )


def test_only_literals_are_remembered():
    def kinds(source):
        return {type(node).__name__ for node in OURS.from_string(source).nodelist}

    for source in TEMPLATES[:5]:
        assert "ConstantURLNode" in kinds(source)
    for source in TEMPLATES[5:]:
        assert "ConstantURLNode" not in kinds(source)


def test_an_unknown_view_still_fails_loudly():
    with pytest.raises(NoReverseMatch):
        OURS.from_string("{% url 'no-such-view' %}").render(Context())


def test_a_script_prefix_or_new_urlconf_is_not_served_from_memory(settings):
    template = OURS.from_string("{% url 'medical:latest' %}")
    assert template.render(Context()) == "/medical/latest/"
    set_script_prefix("/portal/")
    try:
        assert template.render(Context()) == "/portal/medical/latest/"
    finally:
        set_script_prefix("/")
    before = template_url._generation
    settings.ROOT_URLCONF = "kosmo.urls"
    assert template_url._generation == before + 1


def test_the_portals_templates_use_it():
    assert "kosmo.template_url" in engines["django"].engine.builtins


class _Changing:
    """An argument whose text changes: never answered from memory."""

    def __init__(self):
        self.value = 1

    def __str__(self):
        return str(self.value)


def test_variable_arguments_are_remembered_by_value_and_objects_never():
    template = OURS.from_string("{% url 'document_status' pk %}")
    assert template.render(Context({"pk": 5})) == "/documents/5/"
    assert template.render(Context({"pk": 6})) == "/documents/6/"
    assert template.render(Context({"pk": 5})) == "/documents/5/"
    changing = _Changing()
    assert template.render(Context({"pk": changing})) == "/documents/1/"
    changing.value = 2
    assert template.render(Context({"pk": changing})) == "/documents/2/"
    with pytest.raises(NoReverseMatch):
        template.render(Context({"pk": "not-a-number"}))
