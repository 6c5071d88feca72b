"""kosmo.template_extends: {% extends %} renders what Django's own tag renders."""

import pytest
from django.template import Context, Engine

from kosmo.template_extends import RootBlocksExtendsNode

TEMPLATES = {
    "base.html": "<title>{% block title %}KOSMO{% endblock %}</title>"
    "{% block body %}<main>{% block content %}{% endblock %}</main>{% endblock %}"
    "<footer>{% block footer %}©{% endblock %}</footer>",
    "middle.html": '{% extends "base.html" %}{% block title %}中 | {{ block.super }}{% endblock %}'
    "{% block content %}<nav>{% block nav %}-{% endblock %}</nav>{% endblock %}",
    "page.html": '{% extends "middle.html" %}{% block title %}ページ | {{ block.super }}'
    "{% endblock %}{% block nav %}{{ block.super }}{{ name }}{% endblock %}",
    "direct.html": '{% extends "base.html" %}{% block content %}{% for i in items %}'
    '{% include "item.html" %}{% endfor %}{% endblock %}',
    "item.html": "<i>{{ i }}</i>",
    "by_variable.html": "{% extends parent %}{% block footer %}{{ block.super }}!{% endblock %}",
    "other_root.html": "{% block footer %}別{% endblock %}",
}


def _engine(builtins):
    loaders = [("django.template.loaders.locmem.Loader", TEMPLATES)]
    return Engine(loaders=loaders, builtins=builtins)


OURS = _engine(["kosmo.template_extends"])
DJANGOS = _engine([])


@pytest.mark.parametrize("name", ["page.html", "middle.html", "direct.html", "by_variable.html"])
@pytest.mark.parametrize("parent", ["base.html", "other_root.html", "middle.html"])
def test_it_renders_what_djangos_extends_renders(name, parent):
    context = {"name": "太郎", "items": [1, 2], "parent": parent}
    ours = OURS.get_template(name)
    assert isinstance(ours.nodelist[0], RootBlocksExtendsNode)
    for _ in range(2):  # the second time with the blocks it kept
        expected = DJANGOS.get_template(name).render(Context(context))
        assert ours.render(Context(context)) == expected
