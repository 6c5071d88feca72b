import pytest
from django.urls import reverse

from kosmo.features import FEATURES, Tier
from kosmo.models import Union

UNAVAILABLE = "ご所属の健康保険組合が契約していない場合、この機能はご利用いただけません。"
ALL_KEYS = [feature.key for feature in FEATURES]


@pytest.fixture
def feature_urls(settings):
    settings.ROOT_URLCONF = "tests.feature_urls"


def _disable(union, key):
    union.set_enabled_features(set(union.enabled_feature_keys) - {key})
    union.save()


@pytest.mark.parametrize("key", ALL_KEYS)
def test_feature_not_contracted_is_absent_from_menu_and_page(
    feature_urls, member_client, union, key
):
    union.tier = Union.ContractTier.RICH
    _disable(union, key)
    feature = next(f for f in FEATURES if f.key == key)

    home = member_client.get("/")
    page = member_client.get(reverse(feature.url_name))

    assert f'data-feature="{key}"' not in home.content.decode()
    assert page.status_code == 404
    assert UNAVAILABLE in page.content.decode()


@pytest.mark.parametrize("key", ALL_KEYS)
def test_contracted_feature_is_in_menu_and_opens(feature_urls, member_client, union, key):
    union.tier = Union.ContractTier.STANDARD
    union.set_enabled_features({key})
    union.save()
    feature = next(f for f in FEATURES if f.key == key)

    home = member_client.get("/").content.decode()
    page = member_client.get(reverse(feature.url_name))

    assert f'data-feature="{key}"' in home
    assert [k for k in ALL_KEYS if f'data-feature="{k}"' in home] == [key]
    assert page.status_code == 200


def test_rich_features_need_the_rich_contract(union):
    rich_only = {f.key for f in FEATURES if f.tier == Tier.RICH}

    assert not rich_only & union.enabled_feature_keys
    union.tier = Union.ContractTier.RICH
    union.set_enabled_features(set(ALL_KEYS))
    assert union.feature_overrides == {}
    assert union.enabled_feature_keys == set(ALL_KEYS)


def test_a_switch_overrides_the_contract_tier(union):
    union.set_enabled_features({"medical", "daily_records"})

    assert union.feature_overrides["daily_records"] is True
    assert union.feature_overrides["benefits"] is False
    assert union.has_feature("daily_records")
    assert not union.has_feature("benefits")


def test_unknown_feature_key_is_a_programming_error(union):
    with pytest.raises(LookupError):
        union.has_feature("no-such-feature")


def test_gated_page_sends_visitors_to_login_first(feature_urls, client, union):
    response = client.get(reverse("medical:index"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_staff_account_cannot_open_member_pages(feature_urls, client, staff):
    client.force_login(staff)

    response = client.get(reverse("medical:index"))

    assert response.status_code == 403
    assert "被保険者・被扶養者の方のみ" in response.content.decode()


def test_menu_lists_only_services_whose_pages_exist(member_client, union):
    union.tier = Union.ContractTier.RICH
    union.save()

    html = member_client.get("/").content.decode()

    built = {feature.key for feature in FEATURES if feature.url() is not None}
    assert "medical" in built
    for feature in FEATURES:
        assert (f'data-feature="{feature.key}"' in html) == (feature.key in built), feature.key
