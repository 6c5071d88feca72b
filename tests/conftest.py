"""Shared personas (healthchecks style) and the switches every test relies on."""

import os

import pytest
from django.core.cache import cache

from kosmo.celery import app as celery_app
from kosmo.models import Person, Union
from tests import factories

# s3_endpoint, s3_storages: a real S3 API on localhost; redis_server: a private redis-server.
pytest_plugins = ["tests.servers", "tests.s3"]

IN_CI = os.environ.get("CI", "").lower() == "true"


def require(condition: bool, reason: str) -> None:
    """Skip a test whose outside part is missing here; in CI that part must exist."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI must run this test: {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _eager_celery_and_clean_cache():
    # Tests run tasks in-process unless they start a real worker themselves.
    from kosmo import tenancy

    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    cache.clear()
    tenancy.forget_unions()  # each test's database has its own unions
    yield
    celery_app.conf.task_always_eager = eager


@pytest.fixture(autouse=True)
def _private_media_in_a_temporary_folder(settings, tmp_path):
    """Generated files never land in the working tree."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private_media"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": settings.PRIVATE_MEDIA_ROOT, "base_url": None},
        },
    }


@pytest.fixture
def union(db):
    # The test client's host: this is the union the portal serves in tests.
    return factories.UnionFactory(
        name="コスモ健康保険組合", tier=Union.ContractTier.STANDARD, domain="testserver"
    )


@pytest.fixture
def rich_union(db):
    return factories.UnionFactory(name="リッチ健康保険組合", tier=Union.ContractTier.RICH)


@pytest.fixture
def household(union):
    return factories.HouseholdFactory(union=union)


@pytest.fixture
def insured(household):
    """An insured member (本人) with an account."""
    return factories.UserFactory(username="yamada_taro", person__household=household)


@pytest.fixture
def dependent(household):
    """The insured member's spouse, with an account of her own."""
    return factories.UserFactory(
        username="yamada_hanako",
        person=factories.DependentFactory(household=household, branch="01"),
    )


@pytest.fixture
def child(household):
    """A child of the household without an account."""
    return factories.DependentFactory(
        household=household,
        branch="02",
        relationship=Person.Relationship.CHILD,
        given_name="一郎",
        given_name_kana="イチロウ",
    )


@pytest.fixture
def other_household_member(union):
    return factories.UserFactory(
        username="sato_ken",
        person__household=factories.HouseholdFactory(union=union),
        person__family_name="佐藤",
        person__given_name="健",
    )


@pytest.fixture
def other_union_member(db):
    other = factories.UnionFactory(name="よその健康保険組合")
    return factories.UserFactory(
        username="tanaka_ichiro",
        person__household=factories.HouseholdFactory(union=other),
        person__family_name="田中",
        person__given_name="一郎",
    )


@pytest.fixture
def staff(union):
    return factories.StaffFactory(username="staff_cosmo", union=union)


@pytest.fixture
def member_client(client, insured):
    client.force_login(insured)
    return client
