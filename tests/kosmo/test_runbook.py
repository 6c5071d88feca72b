"""README's 「組合の開始手順」 (onboarding runbook), run end to end on the sample union: each step
is the command the README names, with the sample files of docs/samples/; then a member signs in
with the letter's temporary ID and password, and next month's 異動 file goes in."""

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.core.management import call_command

from kosmo.models import Person, PersonChange, Union
from medical.models import Claim

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "docs" / "samples"
HOST = {"HTTP_HOST": "sample.localhost"}


def runbook_commands() -> list[str]:
    """The commands of the README's runbook, in order (the test follows the README)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## 組合の開始手順", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^manage\.py (\w+)", section, flags=re.MULTILINE)


def key_and_certificate(folder: Path) -> tuple[Path, Path]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "サンプル健康保険組合")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = folder / "key.pem", folder / "cert.pem"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


def run(*args, **options) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def test_the_readme_runbook_takes_an_empty_database_to_a_live_union(client, tmp_path):
    assert runbook_commands()[:6] == [
        "migrate",
        "create_union",
        "import_persons",
        "issue_accounts",
        "set_etax_credential",
        "import_claims",
    ]
    assert not Union.objects.exists()

    created = run(
        "create_union",
        slug="sample",
        insurer_number="06131239",
        name="サンプル健康保険組合",
        domain="sample.localhost",
        tier="rich",
        contact_phone="03-5555-0000",
        contact_email="kenpo@sample.example.jp",
    )
    imported = run("import_persons", str(SAMPLES / "roster.csv"), union="sample")
    letters = tmp_path / "letters.csv"
    issued = run("issue_accounts", union="sample", output=str(letters))
    key, cert = key_and_certificate(tmp_path)
    signed = run("set_etax_credential", union="sample", key=str(key), cert=str(cert))
    claims = run("import_claims", str(SAMPLES / "claims.csv"), union="sample")

    assert "を登録しました。" in created
    assert "取り込み件数: 6件（新規 6人" in imported
    assert "6件のアカウントを発行しました" in issued
    assert "e-Tax 署名鍵を登録しました。" in signed
    assert "取り込み件数: 3件" in claims
    union = Union.objects.get(slug="sample")
    assert Claim.objects.filter(household__union=union).count() == 3

    with open(letters, encoding="utf-8-sig", newline="") as rows:
        letter = next(row for row in csv.DictReader(rows) if row["氏名"] == "青木 誠")
    response = client.post(
        "/accounts/login/",
        {"login": letter["ユーザID"], "password": letter["仮パスワード"]},
        **HOST,
    )
    assert response.status_code == 302
    assert client.get("/", **HOST).url == "/accounts/first-login/identity/"
    # The roster's 生年月日 is what the member proves at the first login.
    verified = client.post("/accounts/first-login/identity/", {"birth_date": "19750412"}, **HOST)
    assert verified.status_code == 302
    assert verified.url != "/accounts/first-login/identity/"
    assert client.session["_auth_user_id"]

    # Next month: the 異動 file (an address, a transfer, a 資格喪失, a son's own insurance).
    monthly = run("import_persons", str(SAMPLES / "roster-2026-12.csv"), union="sample")
    assert "記号・番号の変更 2人" in monthly
    aoki = Person.objects.get(household__union=union, given_name="誠")
    sho = Person.objects.get(household__union=union, given_name="翔")
    assert aoki.address == "東京都中野区中野4-1-1"
    assert (sho.role, sho.household.number) == (Person.Role.INSURED, "00103")
    assert sho.account.username  # the account issued as a dependent stays his
    assert PersonChange.objects.filter(person__household__union=union).exists()
