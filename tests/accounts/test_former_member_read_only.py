"""A former member (資格喪失, inside the union's window) reads their history and nothing more:
every page says so, a write is refused with a Japanese message (sign-out, the password and
PDFs of the history stay), and the medical, benefits and checkup pages show their history up
to the day before the 喪失日 — the 喪失日 itself and the day after are each pinned.
"""

import datetime as dt

import pytest
from django.utils import timezone

from benefits import queries as benefit_queries
from checkup import queries as checkup_queries
from checkup.criteria import Rules
from kosmo.models import DocumentJob
from medical import queries as medical_queries
from tests import factories
from tests.benefits.factories import BenefitPaymentFactory
from tests.checkup.factories import checkup_with

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)
BANNER = "以降は閲覧のみご利用いただけます。"
REFUSED = "登録や設定の変更はできません。"


def month_start(back: int) -> dt.date:
    """The 1st of the month `back` months before this one."""
    first = timezone.localdate().replace(day=1)
    index = first.year * 12 + first.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def lose(user, on):
    """The person lost coverage `on`; staff kept the account open a year from today, so the
    tests do not depend on the union's window."""
    person = user.person
    person.qualified_on = dt.date(2000, 4, 1)
    person.disqualified_on = on
    person.access_extended_until = timezone.localdate() + dt.timedelta(days=365)
    person.save()


@pytest.fixture
def signed_in(client, insured):
    factories.sign_in(client, "yamada_taro")
    return client


# --- Read-only ----------------------------------------------------------------------------------


def test_every_page_of_a_former_member_says_it_is_read_only(signed_in, insured):
    lost = month_start(2)
    assert BANNER not in signed_in.get("/").content.decode()

    lose(insured, lost)
    text = signed_in.get("/").content.decode()

    assert f"資格喪失日（{lost:%Y年%-m月%-d日}）以降は閲覧のみご利用いただけます。" in text
    assert f"{(lost - DAY):%Y年%-m月%-d日}までの履歴を" in text


def test_a_setting_change_is_refused_with_its_message(signed_in, insured):
    lose(insured, month_start(2))

    response = signed_in.post("/notices/notifications/", {"mail": "on"})

    assert response.status_code == 403
    text = response.content.decode()
    assert "ご利用いただけません" in text
    assert f"資格喪失日（{month_start(2):%Y年%-m月%-d日}）以降は閲覧のみ" in text
    assert REFUSED in text


def test_the_same_post_of_a_covered_member_is_not_refused(signed_in, insured):
    lose(insured, timezone.localdate() + DAY)  # the 喪失日 is tomorrow: still covered today

    response = signed_in.post("/notices/notifications/", {"mail": "on"})

    assert REFUSED not in response.content.decode()
    assert response.status_code != 403


def test_on_the_loss_day_itself_writes_are_refused(signed_in, insured):
    lose(insured, timezone.localdate())

    response = signed_in.post("/accounts/profile/email/", {"email": "new@example.jp"})

    assert response.status_code == 403
    assert REFUSED in response.content.decode()


def test_a_former_member_still_reads_and_requests_a_pdf_of_the_history(signed_in, insured):
    lose(insured, month_start(2))
    factories.ClaimFactory(person=insured.person, service_month=month_start(3))

    assert signed_in.get("/medical/").status_code == 200
    response = signed_in.post(
        "/medical/statement.pdf",
        {"start": f"{month_start(3):%Y-%m}", "end": f"{month_start(3):%Y-%m}"},
    )

    job = DocumentJob.objects.get(owner=insured)
    assert response.status_code == 302
    assert response.url == f"/documents/{job.pk}/"


def test_a_former_member_signs_out(signed_in, insured):
    lose(insured, month_start(2))

    response = signed_in.post("/accounts/logout/")

    assert response.status_code == 302
    assert "_auth_user_id" not in signed_in.session


# --- History up to the day before the 喪失日 ------------------------------------------------------


@pytest.mark.parametrize(
    ("lost", "loss_month_shown"),
    [
        (dt.date(2025, 7, 1), False),  # the 喪失日 on the 1st: July was never covered
        (dt.date(2025, 7, 2), True),  # the day after: 1 July was covered, July shows
    ],
)
def test_claims_and_prescriptions_up_to_the_month_of_the_last_covered_day(
    insured, lost, loss_month_shown
):
    person = insured.person
    factories.ClaimFactory(person=person, service_month=dt.date(2025, 6, 1))
    factories.ClaimFactory(person=person, service_month=dt.date(2025, 7, 1))
    factories.PrescriptionLineFactory(person=person, service_month=dt.date(2025, 6, 1))
    factories.PrescriptionLineFactory(person=person, service_month=dt.date(2025, 7, 1))
    lose(insured, lost)
    expected = {dt.date(2025, 6, 1)} | ({dt.date(2025, 7, 1)} if loss_month_shown else set())

    assert set(medical_queries.claims(insured).values_list("service_month", flat=True)) == expected
    assert (
        set(medical_queries.prescriptions(insured).values_list("service_month", flat=True))
        == expected
    )


def test_the_medical_pages_of_a_former_member_stop_at_the_loss(signed_in, insured):
    person = insured.person
    factories.ClaimFactory(person=person, service_month=month_start(3), provider_name="前月医院")
    factories.ClaimFactory(person=person, service_month=month_start(2), provider_name="喪失月医院")

    assert "喪失月医院" in signed_in.get("/medical/latest/").content.decode()

    lose(insured, month_start(2))
    latest = signed_in.get("/medical/latest/").content.decode()
    month = month_start(2)
    hidden = signed_in.get(f"/medical/{month.year}/{month.month}/").content.decode()

    assert "前月医院" in latest
    assert "喪失月医院" not in latest
    assert "喪失月医院" not in hidden


@pytest.mark.parametrize(
    ("lost", "loss_month_shown"),
    [(dt.date(2025, 7, 1), False), (dt.date(2025, 7, 2), True)],
)
def test_benefits_up_to_the_month_of_the_last_covered_day(insured, lost, loss_month_shown):
    person = insured.person
    BenefitPaymentFactory(person=person, paid_month=dt.date(2025, 6, 1))
    BenefitPaymentFactory(person=person, paid_month=dt.date(2025, 7, 1))
    # Paid after the loss for care while covered: the 診療年月 decides, and June shows.
    BenefitPaymentFactory(
        person=person, paid_month=dt.date(2025, 9, 1), service_month=dt.date(2025, 6, 1)
    )
    # Without a 診療年月, the 支給年月 decides.
    BenefitPaymentFactory(person=person, paid_month=dt.date(2025, 8, 1), service_month=None)
    lose(insured, lost)

    shown = set(benefit_queries.payments(insured).values_list("paid_month", flat=True))

    expected = {dt.date(2025, 6, 1), dt.date(2025, 9, 1)}
    assert shown == expected | ({dt.date(2025, 7, 1)} if loss_month_shown else set())


def test_the_benefits_page_of_a_former_member_stops_at_the_loss(signed_in, insured):
    person = insured.person
    BenefitPaymentFactory(person=person, paid_month=month_start(3), amount=1234)
    BenefitPaymentFactory(person=person, paid_month=month_start(2), amount=5678)
    lose(insured, month_start(2))

    text = signed_in.get("/benefits/latest/").content.decode()

    assert "1,234" in text
    assert "5,678" not in text


@pytest.mark.parametrize(
    ("lost", "exam_shown"),
    [
        (dt.date(2025, 6, 14), False),  # examined on the 喪失日 itself: not covered
        (dt.date(2025, 6, 15), True),  # the 喪失日 the day after the exam: covered
    ],
)
def test_checkups_up_to_the_day_before_the_loss(insured, lost, exam_shown):
    person = insured.person
    checkup_with(person, dt.date(2024, 6, 14))
    checkup_with(person, dt.date(2025, 6, 14))
    lose(insured, lost)
    until = lost - DAY
    rules = Rules.for_union(person.household.union)

    table = checkup_queries.results_table(person, rules, until=until)
    history = checkup_queries.item_history(person, rules, rules.items["sbp"], until=until)
    latest = checkup_queries.latest_assessment(person, rules, until=until)

    expected = [dt.date(2025, 6, 14)] * exam_shown + [dt.date(2024, 6, 14)]
    assert [exam.exam_date for exam in table.exams] == expected
    assert [row.exam_date for row in history.rows] == expected
    assert latest.checkup.exam_date == expected[0]


def test_the_checkup_pages_of_a_former_member_stop_at_the_loss(signed_in, insured):
    person = insured.person
    before, on = month_start(3), month_start(2)
    checkup_with(person, before)
    checkup_with(person, on)
    lose(insured, on)

    text = signed_in.get("/checkup/items/sbp/").content.decode()

    assert f"{before:%Y/%m/%d}" in text
    assert f"{on:%Y/%m/%d}" not in text


def test_staff_still_see_every_checkup_of_the_person(insured):
    person = insured.person
    checkup_with(person, dt.date(2025, 6, 14))
    lose(insured, dt.date(2025, 6, 1))

    table = checkup_queries.results_table(person, Rules.for_union(person.household.union))

    assert [exam.exam_date for exam in table.exams] == [dt.date(2025, 6, 14)]
