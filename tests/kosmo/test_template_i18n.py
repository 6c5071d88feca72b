"""kosmo.template_i18n: `{% translate "…" %}` remembered per language writes exactly what
Django's own tag writes, in every language and escaping mode, also after switching."""

import pytest
from django.template import Context, Engine, engines
from django.utils import translation

from kosmo import template_i18n

OURS = Engine(libraries={"i18n": "kosmo.template_i18n"})
DJANGOS = Engine(libraries={"i18n": "django.templatetags.i18n"})

TEMPLATES = [
    '{% load i18n %}{% translate "医療費情報" %}',
    '{% load i18n %}{% trans "合計" %}|{% translate "日" %}',
    '{% load i18n %}{% translate "Tom & <Jerry>" %}',
    '{% load i18n %}{% translate "100%% 達成" %}',
    '{% load i18n %}{% translate "絞り込む" as label %}[{{ label }}]{{ label }}',
    "{% load i18n %}{% translate message %}",
    '{% load i18n %}{% translate "May" context "month name" %}',
    '{% load i18n %}{% translate "医療費情報" noop %}',
    '{% load i18n %}{% translate "a & b"|upper %}',
    "{% load i18n %}{% blocktranslate with name=name %}{{ name }} 計{% endblocktranslate %}",
]


@pytest.mark.parametrize("source", TEMPLATES)
def test_the_same_output_as_djangos_tag(source):
    ours, djangos = OURS.from_string(source), DJANGOS.from_string(source)
    for autoescape in (True, False):
        for language in ("ja", "en", "ja"):  # and back: nothing of one language leaks
            with translation.override(language):
                for _ in range(2):  # the first rendering fills, the second reads
                    context = {"message": "<b>受診者</b>", "name": "山田 & 花子"}
                    assert ours.render(Context(context, autoescape=autoescape)) == (
                        djangos.render(Context(context, autoescape=autoescape))
                    )


def test_only_plain_strings_are_remembered():
    def nodes(source):
        return [type(n).__name__ for n in OURS.from_string(source).nodelist]

    assert "ConstantTranslateNode" in nodes('{% load i18n %}{% translate "合計" %}')
    assert "ConstantTranslateNode" in nodes('{% load i18n %}{% translate "合計" as x %}')
    for source in TEMPLATES[5:9]:
        assert "ConstantTranslateNode" not in nodes(source)


def test_a_translation_is_looked_up_again_after_the_language_settings_change(settings):
    template = OURS.from_string('{% load i18n %}{% translate "合計" %}')
    with translation.override("ja"):
        template.render(Context())
        before = template_i18n._generation
        settings.LANGUAGES = [("ja", "日本語")]
        assert template_i18n._generation == before + 1
        assert template.render(Context()) == DJANGOS.from_string(
            '{% load i18n %}{% translate "合計" %}'
        ).render(Context())


def test_the_portals_templates_use_it_and_the_checks_stay_quiet():
    from django.template import engines

    backend = engines["django"]
    assert backend.engine.libraries["i18n"] == "kosmo.template_i18n"
    assert backend._check_for_template_tags_with_the_same_name() == []
    assert "kosmo.template_url" in backend.engine.builtins


def test_translated_is_what_the_tag_writes_in_each_language(settings):
    messages = ("合計", "<b>A & B</b>")
    for language in ("ja", "en", "ja"):
        with translation.override(language):
            expected = tuple(
                engines["django"].from_string(f'{{% load i18n %}}{{% translate "{m}" %}}').render()
                for m in messages
            )
            assert template_i18n.translated(*messages) == expected
    assert template_i18n.translated(*messages)[1] == "<b>A & B</b>"  # as the tag: not escaped
