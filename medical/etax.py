"""MED-6 医療費控除申請用データ: one household-year of claims as the files a member files with.

Three renderings of the same `Notice` (so the preview, the files and the medical pages agree —
every amount is `Claim.patient_paid`):

* the NTA form TEG700 「医療費通知(お知らせ)」 as XML, signed by the union (XML-DSig);
* a CSV in the column order of the NTA 医療費集計フォーム (columns B–J);
* the NTA 医療費集計フォーム Ver.3.1 itself (.xlsx), filled in.

What is confirmed about TEG700 and what is our own design is in docs/etax.md; the part that is
our design (the header) is isolated in `_append_header` below.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.core.cache import cache
from django.db.models import Max, Min
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from lxml import etree
from signxml import CanonicalizationMethod, DigestAlgorithm, SignatureMethod, XMLSigner, methods

from kosmo.models import Person, Union
from kosmo.spreadsheets import csv_writer, safe_cell
from medical import queries
from medical.models import CareType, Claim, EtaxSigningCredential

if TYPE_CHECKING:
    from accounts.models import User

TOKYO = ZoneInfo("Asia/Tokyo")
YEARS_OFFERED = 3  # 「過去3年分の医療費通知データ」 (manual §4-4)

SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "TEG700-kosmo.xsd"
FORM_TEMPLATE_PATH = Path(__file__).resolve().parent / "templates_xlsx" / "iryouhi_form_v3.1.xlsx"

NO_CREDENTIAL_MESSAGE = _(
    "ご加入の健康保険組合の電子署名が設定されていないため、XMLデータはダウンロードできません。"
    "CSVデータまたは医療費集計フォーム(Excel)をご利用ください。"
)


def tokyo_now() -> dt.datetime:
    return timezone.localtime(timezone.now(), TOKYO)


def offered_years(today: dt.date | None = None) -> list[int]:
    """The 発行対象年 a member may choose: the last three completed calendar years, newest
    first (on 2026-11-26 in Tokyo: 2025, 2024, 2023). The running year is not offered: it
    cannot be declared yet and its later months have no data."""
    today = today or tokyo_now().date()
    return [today.year - offset for offset in range(1, YEARS_OFFERED + 1)]


# --- Text: what General.xsd's `str` type admits, and the form's 全角 limits ---------------------

# The Unicode blocks General.xsd's `str` pattern allows (TAB/LF/CR aside), as code point ranges.
# Half-width katakana (ｦ–ﾟ, U+FF66–FF9F) are cut out of the Halfwidth and Fullwidth Forms block.
_STR_RANGES = (
    (0x0020, 0x007E),  # Basic Latin without controls
    (0x00A0, 0x00FF),  # Latin-1 Supplement without controls
    (0x0370, 0x03FF),  # Greek
    (0x0400, 0x04FF),  # Cyrillic
    (0x2000, 0x206F),  # General Punctuation
    (0x2150, 0x218F),  # Number Forms
    (0x2190, 0x21FF),  # Arrows
    (0x2200, 0x22FF),  # Mathematical Operators
    (0x2460, 0x24FF),  # Enclosed Alphanumerics
    (0x2500, 0x257F),  # Box Drawing
    (0x25A0, 0x25FF),  # Geometric Shapes
    (0x3000, 0x303F),  # CJK Symbols and Punctuation
    (0x3040, 0x309F),  # Hiragana
    (0x30A0, 0x30FF),  # Katakana
    (0x3200, 0x32FF),  # Enclosed CJK Letters and Months
    (0x3300, 0x33FF),  # CJK Compatibility
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0xF900, 0xFAFF),  # CJK Compatibility Ideographs
    (0xFF00, 0xFF65),  # Halfwidth and Fullwidth Forms, before ｦ
    (0xFFA0, 0xFFEF),  # Halfwidth and Fullwidth Forms, after ﾟ
)
_HALFWIDTH_KANA = re.compile("[\uff61-\uff9f]+")
# Characters outside the set with a customary stand-in (e.g. 𠮷 つちよし → 吉).
_STAND_INS = {"\U00020bb7": "吉", "\U0002123d": "土"}
UNREPRESENTABLE = "〓"  # ゲタ: the customary mark for a character that cannot be written


def _allowed(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _STR_RANGES)


def _stand_in(char: str) -> str:
    if char in _STAND_INS:
        return _STAND_INS[char]
    category = unicodedata.category(char)
    if category[0] == "M" or category in ("Cc", "Cf"):  # stray combining marks, invisibles
        return ""
    for form in ("NFKC", "NFKD"):  # ⼀ → 一, № → No, ō → o
        candidate = "".join(
            c
            for c in unicodedata.normalize(form, char)
            if not unicodedata.category(c).startswith("M")
        )
        if candidate and all(_allowed(c) for c in candidate):
            return candidate
    return UNREPRESENTABLE


@lru_cache(maxsize=16384)  # names repeat: the same persons and institutions on every notice
def xml_text(value: str) -> str:
    """`value` in General.xsd's character set, on one line.

    Half-width katakana become full-width (ｶﾞ → ガ, ｰ → ー); any other character outside the
    set is replaced by its compatibility form, its letter without accents, a customary stand-in,
    or 〓; invisible format characters are dropped; runs of white space become one.
    """
    text = _HALFWIDTH_KANA.sub(lambda match: unicodedata.normalize("NFKC", match.group()), value)
    text = text.replace("\u3099", "\u309b").replace("\u309a", "\u309c")  # a lone ﾞ/ﾟ
    chars = []
    for char in text:
        if char.isspace():
            chars.append(char if char == "\u3000" else " ")
        elif _allowed(char) and unicodedata.category(char) != "Cf":
            chars.append(char)
        else:
            chars.append(_stand_in(char))
    return re.sub(r"\s+", lambda match: match.group()[0], "".join(chars)).strip()


# The 集計フォーム asks for 全角: ASCII becomes its full-width form.
_FULLWIDTH = {code: code + 0xFEE0 for code in range(0x21, 0x7F)} | {0x20: 0x3000}
FORM_NAME_LENGTH = 10  # B 医療を受けた人（全角10文字以内）
FORM_PROVIDER_LENGTH = 20  # C 病院・薬局などの名称（全角20文字以内）
# Legal-entity designations that may open an institution's name (医療法人社団○○会　○○医院).
_ENTITY_PREFIX = re.compile(
    "^(?:医療法人社団|医療法人財団|社会医療法人|特定医療法人|医療法人|一般財団法人|公益財団法人|"
    "一般社団法人|公益社団法人|社会福祉法人|地方独立行政法人|独立行政法人|国立研究開発法人|"
    "学校法人|宗教法人|株式会社|有限会社|合同会社|（株）|（有）|㈱|㈲)"
)


def form_person_name(name: str) -> str:
    """医療を受けた人 for the 集計フォーム: 「山田　太郎」 in at most 10 full-width characters.

    Too long with the space → without it; still too long → the first 10 characters.
    """
    text = name.translate(_FULLWIDTH)
    if len(text) > FORM_NAME_LENGTH:
        text = text.replace("\u3000", "")
    return text[:FORM_NAME_LENGTH]


def form_provider_name(name: str) -> str:
    """病院・薬局などの名称 for the 集計フォーム: at most 20 full-width characters.

    Too long → drop a leading legal-entity part (「医療法人社団コスモ会　」, or only
    「医療法人社団」 when no space follows the corporate name); still too long → without spaces;
    still too long → the first 20 characters.
    """
    text = name.translate(_FULLWIDTH)
    if len(text) > FORM_PROVIDER_LENGTH and (match := _ENTITY_PREFIX.match(text)):
        _head, space, tail = text.partition("\u3000")
        text = tail if space and tail else text[match.end() :] or text
    if len(text) > FORM_PROVIDER_LENGTH:
        text = text.replace("\u3000", "")
    return text[:FORM_PROVIDER_LENGTH]


# --- The notice: what every file and the preview contain ----------------------------------------

APPLIES = "該当する"  # what the template's 区分 lists offer (cell M2), besides empty
FORM_CATEGORIES = ("診療・治療", "医薬品購入", "介護保険サービス", "その他の医療費")
CARE_TYPE_CATEGORY = {
    CareType.INPATIENT: "診療・治療",
    CareType.OUTPATIENT: "診療・治療",
    CareType.DENTAL: "診療・治療",
    CareType.HOME_NURSING: "診療・治療",
    CareType.PHARMACY: "医薬品購入",
}
_CARE_TYPE_ORDER = {value: index for index, value in enumerate(CareType.values)}


@dataclass(frozen=True)
class NoticeLine:
    """One claim: a person × 診療年月 × 医療機関 × 診療区分, and what the member paid."""

    person_name: str  # 療養を受けた者, as in the XML
    month: dt.date  # 療養を受けた年月 (first of the month)
    provider_name: str  # 医療機関等の名称, as in the XML
    care_type: str
    amount: int  # 支払った医療費の金額 = Claim.patient_paid

    @property
    def care_type_label(self) -> str:
        return CareType(self.care_type).label

    @property
    def form_person_name(self) -> str:
        return form_person_name(self.person_name)

    @property
    def form_provider_name(self) -> str:
        return form_provider_name(self.provider_name)

    @property
    def form_categories(self) -> tuple[str, ...]:
        """Columns D–G: 「該当する」 under the 診療区分's category, else empty."""
        category = CARE_TYPE_CATEGORY[CareType(self.care_type)]
        return tuple(APPLIES if name == category else "" for name in FORM_CATEGORIES)

    @property
    def form_payment_date(self) -> str:
        """Column J 支払年月日（任意）: the 診療年月 as ``2025/01`` — claims carry no day, and
        we do not invent one (see docs/etax.md)."""
        return f"{self.month.year}/{self.month.month:02d}"


@dataclass
class ProviderGroup:
    name: str
    lines: list[NoticeLine] = field(default_factory=list)

    @property
    def amount(self) -> int:
        return sum(line.amount for line in self.lines)

    @property
    def form_name(self) -> str:
        return form_provider_name(self.name)


@dataclass
class PersonGroup:
    name: str
    providers: list[ProviderGroup] = field(default_factory=list)

    @property
    def amount(self) -> int:
        return sum(provider.amount for provider in self.providers)

    @property
    def form_name(self) -> str:
        return form_person_name(self.name)


@dataclass
class Notice:
    """A household's (or a dependent's own) 医療費通知 for one calendar year."""

    year: int
    union: Union
    insured_name: str  # 被保険者等の氏名
    lines: list[NoticeLine]
    period: tuple[dt.date, dt.date] | None  # months of the year the union's data covers
    pending_months: list[dt.date]  # months of the year without data yet

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)

    @cached_property
    def persons(self) -> list[PersonGroup]:
        """Lines grouped per person, then per institution, in file order."""
        persons: list[PersonGroup] = []
        for line in self.lines:
            if not persons or persons[-1].name != line.person_name:
                persons.append(PersonGroup(line.person_name))
            providers = persons[-1].providers
            if not providers or providers[-1].name != line.provider_name:
                providers.append(ProviderGroup(line.provider_name))
            providers[-1].lines.append(line)
        return persons

    @property
    def xlsx_parts(self) -> int:
        """How many 集計フォーム files the lines need (995 rows each)."""
        return max(1, math.ceil(len(self.lines) / FORM_MAX_ROWS))


def _person_name(person: Person) -> str:
    return f"{xml_text(person.family_name)}\u3000{xml_text(person.given_name)}"


def build_notice(user: User, *, year: int, state: UnionState | None = None) -> Notice:
    """The notice for `year` of what `user` may see: the household for the insured, their own
    claims for a dependent. Lines are ordered by person (枝番), institution, month, 診療区分;
    a fixed number of queries whatever the number of claims. `state`: the union's, when the
    caller has read it already (`union_state`)."""
    person = user.person
    union = person.household.union
    claims = (
        queries.claims(user)
        .filter(service_month__gte=dt.date(year, 1, 1), service_month__lte=dt.date(year, 12, 1))
        .select_related("person")
        .only(  # what a notice line reads, nothing more
            "service_month",
            "provider_name",
            "care_type",
            "patient_paid",
            "person__branch",
            "person__family_name",
            "person__given_name",
        )
    )
    keyed = []
    for claim in claims:
        line = NoticeLine(
            person_name=_person_name(claim.person),
            month=claim.service_month,
            provider_name=xml_text(claim.provider_name),
            care_type=claim.care_type,
            amount=claim.patient_paid,
        )
        key = (
            claim.person.branch,
            line.provider_name,
            line.month,
            _CARE_TYPE_ORDER[line.care_type],
            claim.pk,
        )
        keyed.append((key, line))
    lines = [line for _key, line in sorted(keyed, key=lambda pair: pair[0])]

    insured = person if person.is_insured else _insured_of(person)
    state = state or union_state(union)
    period, pending = _coverage(year, *state.claim_months)
    return Notice(
        year=year,
        union=union,
        insured_name=_person_name(insured),
        lines=lines,
        period=period,
        pending_months=pending,
    )


COVERAGE_CACHE_SECONDS = 60 * 60


@dataclass(frozen=True)
class UnionState:
    """What every e-Tax page asks about the union: the earliest and latest 診療年月 of its
    imported claims, and whether XML can be signed (without loading the key)."""

    claim_months: tuple[dt.date | None, dt.date | None]
    has_credential: bool


def union_state(union: Union) -> UnionState:
    """The union's `UnionState`, in one cache entry, so a page reads it in one round trip.

    The months are a scan over the whole union, so the entry is kept for an hour (claims are
    imported monthly: a new month shows up as 「反映済み」 at most that much later); it is
    emptied when a credential is saved or deleted."""
    key = state_key(union.pk)
    state = cache.get(key)
    if state is None:
        months = Claim.objects.filter(household__union=union).aggregate(
            first=Min("service_month"), last=Max("service_month")
        )
        state = UnionState(
            claim_months=(months["first"], months["last"]),
            has_credential=EtaxSigningCredential.objects.filter(union=union).exists(),
        )
        cache.set(key, state, COVERAGE_CACHE_SECONDS)
    return state


def state_key(union_id: int) -> str:
    return f"etax:union-state:{union_id}"


def _insured_of(person: Person) -> Person:
    insured = Person.objects.filter(
        household_id=person.household_id, role=Person.Role.INSURED
    ).first()
    return insured or person


def _coverage(
    year: int, first: dt.date | None, last: dt.date | None
) -> tuple[tuple[dt.date, dt.date] | None, list[dt.date]]:
    """Which months of `year` the union's imported claims cover, and which have none yet
    (claims arrive two to three months after the month of care)."""
    months = [dt.date(year, month, 1) for month in range(1, 13)]
    if first is None or last is None or last < months[0] or first > months[-1]:
        return None, months
    start, end = max(first, months[0]), min(last, months[-1])
    return (start, end), [month for month in months if month > end]


# --- Signing credentials ------------------------------------------------------------------------


class CredentialError(ValueError):
    """A key or certificate that cannot sign e-Tax data; the message is for the operator."""


MIN_RSA_BITS = 2048


@dataclass(frozen=True)
class CredentialInfo:
    subject: str
    not_before: dt.datetime
    not_after: dt.datetime
    key_bits: int
    key_pem: str  # PKCS#8, unencrypted
    cert_pem: str  # the signing certificate first, then any intermediates


def check_credential(
    key_pem: str, cert_pem: str, *, now: dt.datetime | None = None
) -> CredentialInfo:
    """Validate a private key and its certificate (chain) for signing TEG700.

    The key must be an unencrypted RSA key of at least 2048 bits, the first certificate must
    carry its public key, and that certificate must be valid now. Raises CredentialError.
    """
    now = now or timezone.now()
    try:
        key = serialization.load_pem_private_key(key_pem.encode(), password=None)
    except TypeError:
        raise CredentialError(
            "秘密鍵がパスワードで保護されています。保護を外した PEM を指定してください"
            "（例: openssl pkey -in 鍵 -out 新しい鍵）。"
        ) from None
    except ValueError:
        raise CredentialError(
            "秘密鍵を読み込めません。PEM 形式の秘密鍵を指定してください。"
        ) from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise CredentialError("秘密鍵は RSA 鍵にしてください（署名方式 rsa-sha256）。")
    if key.key_size < MIN_RSA_BITS:
        raise CredentialError(f"RSA 鍵は {MIN_RSA_BITS} ビット以上にしてください。")
    try:
        certificates = x509.load_pem_x509_certificates(cert_pem.encode())
    except ValueError:
        raise CredentialError(
            "証明書を読み込めません。PEM 形式の証明書を指定してください。"
        ) from None
    certificate = certificates[0]
    if _spki(certificate.public_key()) != _spki(key.public_key()):
        raise CredentialError("証明書が秘密鍵と対になっていません。")
    if now > certificate.not_valid_after_utc:
        raise CredentialError(
            f"証明書の有効期限が切れています（{certificate.not_valid_after_utc:%Y-%m-%d}まで）。"
        )
    if now < certificate.not_valid_before_utc:
        raise CredentialError(
            f"証明書はまだ有効になっていません（{certificate.not_valid_before_utc:%Y-%m-%d}から）。"
        )
    return CredentialInfo(
        subject=certificate.subject.rfc4514_string(),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        key_bits=key.key_size,
        key_pem=key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode(),
        cert_pem="".join(
            cert.public_bytes(serialization.Encoding.PEM).decode() for cert in certificates
        ),
    )


def _spki(public_key) -> bytes:
    return public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def store_credential(*, union: Union, key_pem: str, cert_pem: str) -> CredentialInfo:
    """Check and store (replace) the union's signing key and certificate."""
    info = check_credential(key_pem, cert_pem)
    EtaxSigningCredential.objects.update_or_create(
        union=union,
        defaults={"private_key_pem": info.key_pem, "certificate_pem": info.cert_pem},
    )
    return info


def signing_credential(union: Union) -> EtaxSigningCredential | None:
    return EtaxSigningCredential.objects.filter(union=union).first()


@receiver([post_save, post_delete], sender=EtaxSigningCredential)
def _forget_credential(sender, instance, **kwargs):
    cache.delete(state_key(instance.union_id))


DEMO_CERTIFICATE_YEARS = 5


def ensure_demo_credential(union: Union) -> EtaxSigningCredential:
    """The union's credential; when it has none, a new self-signed RSA 2048 one (demo data
    only: e-Tax will not trust a self-signed certificate)."""
    existing = signing_credential(union)
    if existing is not None:
        return existing
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, union.name),
            x509.NameAttribute(NameOID.COMMON_NAME, f"{union.name} 医療費通知署名（デモ用）"),
        ]
    )
    now = timezone.now()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365 * DEMO_CERTIFICATE_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return EtaxSigningCredential.objects.create(
        union=union,
        private_key_pem=key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode(),
        certificate_pem=certificate.public_bytes(serialization.Encoding.PEM).decode(),
    )


# --- TEG700 XML ---------------------------------------------------------------------------------

KYOTSU = "http://xml.e-tax.nta.go.jp/XSD/kyotsu"
GEN = "http://xml.e-tax.nta.go.jp/XSD/general"
DSIG = "http://www.w3.org/2000/09/xmldsig#"
FORM_ID = "TEG700"
SOFTWARE_NAME = "KOSMO Web"


def _k(tag: str) -> str:
    return f"{{{KYOTSU}}}{tag}"


# An lxml element (lxml's element class has a private name).
XmlElement = Any


def _sub(parent: XmlElement, tag: str, text: str | None = None) -> XmlElement:
    element = etree.SubElement(parent, _k(tag))
    if text is not None:
        element.text = text
    return element


def _year_month(parent: XmlElement, tag: str, month: dt.date) -> None:
    """A gen:yyyymm: 西暦 year, month without zero padding (as in NTA samples)."""
    element = _sub(parent, tag)
    etree.SubElement(element, f"{{{GEN}}}yyyy").text = str(month.year)
    etree.SubElement(element, f"{{{GEN}}}mm").text = str(month.month)


# === OUR DESIGN — the TEG700 header ==============================================================
# The NTA has not published TEG700's header elements. These follow the NTA naming pattern
# (form letters WB, blocks A, B, C before the confirmed detail block WBD) and carry the
# statutory items not in the detail lines: ⑥ 保険者等の名称 and ① 被保険者等の氏名, plus the
# 保険者番号 and the period covered. 記号・番号 are deliberately absent (告知要求制限).
# Change the header here, in medical/schemas/TEG700-kosmo.xsd and in docs/etax.md together.
FORM_VERSION = "1.0"  # VR: TEG700's real value is unknown


def _append_header(root: XmlElement, notice: Notice) -> None:
    insurer = _sub(root, "WBA00000")  # 保険者等
    _sub(insurer, "WBA00010", notice.union.insurer_number)  # 保険者番号
    _sub(insurer, "WBA00020", xml_text(notice.union.name))  # 保険者等の名称
    _sub(root, "WBB00000", notice.insured_name)  # 被保険者等の氏名
    period = _sub(root, "WBC00000")  # 通知対象期間
    start, end = notice.period or (dt.date(notice.year, 1, 1), dt.date(notice.year, 12, 1))
    _year_month(period, "WBC00010", start)  # 自
    _year_month(period, "WBC00020", end)  # 至


# === end of OUR DESIGN ==========================================================================


def build_xml(notice: Notice, *, now: dt.datetime) -> XmlElement:
    """The unsigned TEG700 document (root element)."""
    local = timezone.localtime(now, TOKYO)
    root = etree.Element(
        _k(FORM_ID),
        nsmap={None: KYOTSU, "gen": GEN},
        attrib={
            "VR": FORM_VERSION,
            "id": f"{FORM_ID}{local:%Y%m%d%H%M%S}{local.microsecond // 1000:03d}",
            "page": "1",
            "sakuseiDay": local.date().isoformat(),
            "sakuseiNM": xml_text(notice.union.name),
            "softNM": SOFTWARE_NAME,
        },
    )
    _append_header(root, notice)
    details = _sub(root, "WBD00000")
    for line in notice.lines:
        detail = _sub(details, "WBD00010")
        _sub(detail, "WBD00020", line.person_name)  # 療養を受けた者
        _year_month(detail, "WBD00030", line.month)  # 療養を受けた年月
        _sub(detail, "WBD00040", line.provider_name)  # 医療機関等の名称
        _sub(detail, "WBD00050", str(line.amount))  # 支払った医療費の額
    etree.indent(root, space="\t")
    return root


def sign_xml(root: XmlElement, credential: EtaxSigningCredential) -> XmlElement:
    """Enveloped XML-DSig over the whole document, as in the NTA's TEG840 sample: inclusive
    c14n 1.0, enveloped + c14n transforms, SHA-256 digest, RSA-SHA256, the certificate in
    KeyInfo, Reference URI="#<root id>", the Signature as the root's last child."""
    signer = XMLSigner(
        method=methods.enveloped,
        signature_algorithm=SignatureMethod.RSA_SHA256,
        digest_algorithm=DigestAlgorithm.SHA256,
        c14n_algorithm=CanonicalizationMethod.CANONICAL_XML_1_0,
    )
    signer.namespaces = {"dsig": DSIG}
    root_id = root.get("id")
    # The key was fully checked when it was stored (check_credential); skipping the RSA
    # consistency check here saves ~25 ms per download.
    key = serialization.load_pem_private_key(
        credential.private_key_pem.encode(), password=None, unsafe_skip_rsa_key_validation=True
    )
    signed = signer.sign(
        root,
        key=key,
        cert=credential.certificate_pem,
        reference_uri=f"#{root_id}",
        id_attribute="id",
    )
    # XMLDSIG050.xsd requires an Id on Signature. Setting it afterwards changes nothing that
    # is signed: the enveloped transform removes the Signature from the digested document, and
    # SignedInfo's canonical form does not include its parent's attributes.
    signed.find(f"{{{DSIG}}}Signature").set("Id", f"Signature-{root_id}")
    return signed


@lru_cache(maxsize=1)
def teg700_schema() -> etree.XMLSchema:
    """Our TEG700 schema (importing the NTA's General.xsd and XMLDSIG050.xsd)."""
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))


def notice_xml(
    notice: Notice, *, credential: EtaxSigningCredential, now: dt.datetime | None = None
) -> bytes:
    """The signed TEG700 file (UTF-8). It is checked against our schema before it leaves."""
    root = sign_xml(build_xml(notice, now=now or timezone.now()), credential)
    teg700_schema().assertValid(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(root, encoding="UTF-8")


# --- 医療費集計フォーム: CSV and xlsx ------------------------------------------------------------

FORM_HEADER = (
    "医療を受けた人",
    "病院・薬局などの名称",
    *FORM_CATEGORIES,
    "支払った医療費の金額",
    "左のうち、補填される金額",
    "支払年月日",
)
FORM_SHEET = "医療費集計フォーム"
ABOUT_SHEET = "この明細書について"
FORM_FIRST_ROW = 9
FORM_MAX_ROWS = 995  # rows 9–1003: 「データは995件まで入力が可能です」


def form_row(line: NoticeLine) -> tuple:
    """Columns B–J of the 集計フォーム for one line. 補填される金額 stays empty: refunds
    (高額療養費, 付加給付) are paid later and are not per claim; the member enters them."""
    return (
        line.form_person_name,
        line.form_provider_name,
        *line.form_categories,
        line.amount,
        None,
        line.form_payment_date,
    )


def notice_csv(notice: Notice) -> bytes:
    """The lines as CSV in the 集計フォーム's column order (B–J): UTF-8 with BOM, CRLF, one
    header row; amounts as plain integers. Names are full-width (`form_person_name`), so
    they cannot open with an ASCII formula character; `safe_cell` guards the rest."""
    buffer = io.StringIO()
    writer = csv_writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(FORM_HEADER)
    for line in notice.lines:
        writer.writerow(["" if value is None else value for value in form_row(line)])
    return buffer.getvalue().encode("utf-8-sig")


def notice_xlsx(notice: Notice, *, part: int = 1) -> bytes:
    """The NTA 医療費集計フォーム Ver.3.1 with lines from row 9; part `n` holds lines
    995 × (n − 1) + 1 … 995 × n. The template's layout, validation and protection are kept."""
    from openpyxl import load_workbook  # only this download needs it

    if not 1 <= part <= notice.xlsx_parts:
        raise ValueError(f"part {part} of {notice.xlsx_parts}")
    workbook = load_workbook(FORM_TEMPLATE_PATH)
    sheet = workbook[FORM_SHEET]
    chunk = notice.lines[(part - 1) * FORM_MAX_ROWS : part * FORM_MAX_ROWS]
    for row, line in enumerate(chunk, start=FORM_FIRST_ROW):
        for column, value in enumerate(form_row(line), start=2):  # B
            if value is not None:
                sheet.cell(row=row, column=column, value=safe_cell(value))
    _add_about_sheet(workbook, notice)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _add_about_sheet(workbook, notice: Notice) -> None:
    """Our own first sheet (template medical/etax_form_about.txt): where the lines come from
    — the union's 医療費通知 records, not receipts — and how to use them, since the NTA's
    instruction sheet, kept as it is, says the form is not for 医療費通知."""
    from openpyxl.styles import Alignment, Font

    text = render_to_string(
        "medical/etax_form_about.txt",
        {
            "notice": notice,
            "union_name": notice.union.name,
            "pending_last": notice.pending_months[-1].month if notice.pending_months else None,
        },
    )
    lines = [line.strip() for line in text.strip().splitlines()]
    sheet = workbook.create_sheet(ABOUT_SHEET, 0)
    workbook.active = 0
    sheet.column_dimensions["A"].width = 2
    sheet.column_dimensions["B"].width = 110
    row = 1
    for line in lines:
        if not line and not sheet.cell(row=row - 1, column=2).value:
            continue  # one blank row between sections, however the template is spaced
        cell = sheet.cell(row=row, column=2, value=safe_cell(line) if line else None)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if row == 1:
            cell.font = Font(size=14, bold=True)
        elif line.startswith("●"):
            cell.font = Font(bold=True)
        row += 1
    sheet.protection.sheet = True  # read-only like the NTA's instruction sheet
