"""「診療年月・受診者で絞り込む」 and 「診療年月で絞り込む」."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kosmo.forms import MonthField, MonthRangeForm, PersonChoiceField

INVALID_MONTH = {"invalid": _("診療年月は「2025-01」の形式で入力してください。")}


class ClaimFilterForm(MonthRangeForm):
    start = MonthField(label=_("診療年月(から)"), required=False, error_messages=INVALID_MONTH)
    end = MonthField(label=_("診療年月(まで)"), required=False, error_messages=INVALID_MONTH)
    person = PersonChoiceField(label=_("受診者"), everyone_label=_("全員"))

    def __init__(self, *args, persons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].set_persons(persons)


class PrescriptionMonthsForm(MonthRangeForm):
    """「診療年月で絞り込む」 on the 過去 page of prescriptions (manual §4-3 (2-2)): the months
    only, answered by the 年間 page (everyone the member may see)."""

    start = MonthField(label=_("診療年月(から)"), required=False, error_messages=INVALID_MONTH)
    end = MonthField(label=_("診療年月(まで)"), required=False, error_messages=INVALID_MONTH)
