import io
import uuid

import pytest
from PIL import Image

from kosmo.models import Union
from notices.models import Profile
from wellness.diary import services
from wellness.diary.models import DiaryPost


@pytest.fixture
def rich(union):
    """The test union (the test client's host) on the rich contract: 健康日記 is on."""
    union.tier = Union.ContractTier.RICH
    union.save()
    return union


def join(person, nickname: str):
    """A member who agreed to the terms and set a nickname."""
    services.agree_to_terms(person=person)
    Profile.objects.update_or_create(person=person, defaults={"nickname": nickname})
    return person


@pytest.fixture
def taro(rich, insured):
    join(insured.person, "たろう")
    return insured


@pytest.fixture
def ken(rich, other_household_member):
    join(other_household_member.person, "けん")
    return other_household_member


@pytest.fixture
def taro_client(client, taro):
    client.force_login(taro)
    return client


def make_post(person, body="朝の散歩 8,000歩", **extra) -> DiaryPost:
    return DiaryPost.objects.create(
        union_id=person.household.union_id,
        author=person,
        body=body,
        token=uuid.uuid4(),
        **extra,
    )


def image_bytes(fmt: str = "PNG", size=(64, 48), exif: bool = False) -> bytes:
    image = Image.new("RGB", size, (200, 80, 40))
    out = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010F] = "KOSMO Camera"  # Make
        data[0x0131] = "secret-software"  # Software
        image.save(out, fmt, exif=data.tobytes())
    else:
        image.save(out, fmt)
    return out.getvalue()
