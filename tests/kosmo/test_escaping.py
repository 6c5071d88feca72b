"""kosmo.escaping.esc writes what Django's conditional_escape writes."""

import pytest
from django.utils.functional import lazy
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from kosmo.escaping import esc

VALUES = [
    "山田 <太郎> & 'はなこ' \"x\"",
    mark_safe("<b>safe</b>"),
    gettext_lazy("<受診者> & 全員"),
    lazy(lambda: "<lazy>", str)(),
    42,
    None,
    "",
]


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_the_same_as_conditional_escape(value):

    assert esc(value) == str(conditional_escape(value))
