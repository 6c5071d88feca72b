"""Dependents fixtures: a campaign open today with the demo's rules, a household with two
dependents under survey, and real files to upload."""

import datetime as dt
import io

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image
from pypdf import PdfWriter

from dependents import demo, services
from dependents.models import SurveyTarget
from tests import factories

TRANSFER_FORM = b"%PDF-1.4\n% the union's transfer form\n"


def make_survey(union, **dates):
    today = timezone.localdate()
    survey = demo.create_survey(
        union,
        starts_on=dates.get("starts_on", today - dt.timedelta(days=7)),
        deadline=dates.get("deadline", today + dt.timedelta(days=30)),
        ends_on=dates.get("ends_on", today + dt.timedelta(days=120)),
        transfer_form=TRANSFER_FORM,
    )
    services.select_targets_by_rules(survey=survey)
    return survey


@pytest.fixture
def survey(union, insured, dependent, child):
    """Open now; the household's spouse (山田 花子) and child (山田 一郎) under survey."""
    return make_survey(union)


@pytest.fixture
def spouse_target(survey, dependent):
    return SurveyTarget.objects.get(survey=survey, person=dependent.person)


@pytest.fixture
def child_target(survey, child):
    return SurveyTarget.objects.get(survey=survey, person=child)


def pdf_bytes(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image_bytes(image_format: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, image_format)
    return out.getvalue()


def upload_file(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def staff_client(staff):
    """The union's staff member signed in to admin with every permission of dependents."""
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="dependents"))
    return factories.staff_login(Client(), staff)
