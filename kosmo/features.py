"""The contracted services a union can switch on, keyed by name.

Each feature is one service of the manual's chapter 4. The contract tier gives the defaults
(standard features on every contract, 「※」 features of the manual only on the rich one);
`Union.feature_overrides` switches single features on or off for one union. Views are gated
with `kosmo.access.feature_required`, menus with `Union.enabled_features()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _


class Tier:
    STANDARD = "standard"
    RICH = "rich"


@dataclass(frozen=True)
class Feature:
    key: str
    label: str
    tier: str
    url_name: str  # the service's entry page; the menu shows it once that page exists
    glyph: str  # one character drawn in the service icon

    def url(self) -> str | None:
        return _reverse_or_none(self.url_name, get_urlconf(), get_script_prefix())


@cache
def _reverse_or_none(url_name: str, urlconf: str | None, prefix: str) -> str | None:
    """The entry page's URL, or None while its app has no such page. URL patterns do not
    change while a process runs, so each (name, urlconf, prefix) is reversed once: the menu
    on every page would otherwise reverse 16 names, the missing ones through the slow
    NoReverseMatch path."""
    try:
        return reverse(url_name, urlconf=urlconf)
    except NoReverseMatch:
        return None


@receiver(setting_changed)
def _forget_urls(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _reverse_or_none.cache_clear()


FEATURES: tuple[Feature, ...] = (
    Feature("medical", _("医療費情報"), Tier.STANDARD, "medical:index", "医"),
    Feature("prescriptions", _("処方医薬品照会"), Tier.STANDARD, "medical:prescriptions", "薬"),
    Feature("etax", _("医療費控除申請用データ"), Tier.STANDARD, "medical:etax", "税"),
    Feature("benefits", _("給付金支給決定通知"), Tier.STANDARD, "benefits:index", "給"),
    Feature("checkup", _("健診結果情報"), Tier.STANDARD, "checkup:index", "健"),
    Feature("checkup_rich", _("健診結果(リッチ版)"), Tier.RICH, "checkup:rich", "診"),
    Feature("daily_records", _("日々の記録"), Tier.RICH, "wellness:records", "記"),
    Feature("challenges", _("チャレンジ"), Tier.RICH, "wellness:challenges", "挑"),
    Feature("health_club", _("MY HEALTH CLUB"), Tier.RICH, "wellness:club", "読"),
    Feature("diary", _("健康日記"), Tier.RICH, "wellness:diary", "日"),
    Feature("walking", _("ウォーキングキャンペーン"), Tier.RICH, "wellness:walking", "歩"),
    Feature("missions", _("ミッション"), Tier.RICH, "wellness:missions", "任"),
    Feature("points", _("MYポイント"), Tier.RICH, "wellness:points", "点"),
    Feature("dependent_survey", _("被扶養者資格調査"), Tier.STANDARD, "dependents:index", "扶"),
    Feature(
        "eligibility_notice", _("資格情報のお知らせ"), Tier.STANDARD, "eligibility:notice", "資"
    ),
    Feature(
        "eligibility_certificate",
        _("資格確認書交付"),
        Tier.STANDARD,
        "eligibility:certificate",
        "証",
    ),
)

FEATURES_BY_KEY: dict[str, Feature] = {feature.key: feature for feature in FEATURES}
FEATURE_CHOICES = [(feature.key, feature.label) for feature in FEATURES]


def tier_includes(tier: str, feature: Feature) -> bool:
    return feature.tier == Tier.STANDARD or tier == Tier.RICH


def get_feature(key: str) -> Feature:
    try:
        return FEATURES_BY_KEY[key]
    except KeyError:
        raise LookupError(f"unknown feature {key!r}") from None
