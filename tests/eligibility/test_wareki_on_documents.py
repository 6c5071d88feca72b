"""Era boundaries as they print on the 資格確認書 and the 資格情報のお知らせ PDF.

`tests/kosmo/test_dates.py` covers kosmo.dates itself (1989-01-07/08, 2019-04-30/05-01, 元年);
these check that the documents go through it."""

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from kosmo import documents
from kosmo.models import DocumentJob
from tests import factories
from tests.eligibility.factories import CertificateFactory


@pytest.mark.parametrize(
    ("birth_date", "printed"),
    [
        (dt.date(1989, 1, 7), "昭和64年1月7日"),
        (dt.date(1989, 1, 8), "平成元年1月8日"),
        (dt.date(2019, 4, 30), "平成31年4月30日"),
        (dt.date(2019, 5, 1), "令和元年5月1日"),
    ],
)
def test_the_certificate_prints_era_boundaries(member_client, household, birth_date, printed):
    child = factories.DependentFactory(
        household=household, relationship="child", birth_date=birth_date
    )
    cert = CertificateFactory(person=child, issued_on=dt.date(2019, 5, 1))

    html = member_client.get(f"/eligibility/certificate/{cert.pk}/").content.decode()

    assert f"<dd>{printed}</dd>" in html
    assert "令和元年5月1日 交付" in html


def test_the_notice_pdf_prints_era_boundaries(member_client, insured, household):
    child = factories.DependentFactory(
        household=household,
        relationship="child",
        birth_date=dt.date(2019, 5, 1),
        qualified_on=dt.date(2019, 5, 1),
    )
    insured.person.birth_date = dt.date(1989, 1, 7)
    insured.person.qualified_on = dt.date(1989, 1, 8)
    insured.person.save()
    texts = []
    for person in (child, insured.person):
        job = DocumentJob.objects.create(
            owner=insured, kind="eligibility_notice", params={"person": person.pk}
        )
        documents.run(job.pk)
        job.refresh_from_db()
        pdf = PdfReader(io.BytesIO(job.file.read()))
        texts.append(re.sub(r"\s+", "", pdf.pages[0].extract_text()))

    assert "生年月日令和元年5月1日" in texts[0]
    assert "資格取得年月日令和元年5月1日" in texts[0]
    assert "生年月日昭和64年1月7日" in texts[1]
    assert "資格取得年月日平成元年1月8日" in texts[1]
