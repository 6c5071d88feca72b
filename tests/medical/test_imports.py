"""Importing claims, prescriptions and the drug master from the union's CSV files."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kosmo.imports import ImportRefused
from medical.imports import import_claims, import_drugs, import_prescriptions
from medical.models import CareType, Claim, Drug, ImportBatch, PrescriptionLine
from tests import factories

CLAIM_HEADER = [
    "記号", "番号", "枝番", "診療年月", "医療機関コード", "医療機関名", "診療区分", "日数",
    "医療費総額", "保険者負担額", "公費負担額", "自己負担額", "備考",
]  # fmt: skip
PRESCRIPTION_HEADER = [
    "記号", "番号", "枝番", "診療年月", "医療機関コード", "医療機関名", "行番号",
    "医薬品コード", "薬価", "使用量",
]  # fmt: skip
BAD_MONTH = "診療年月「{}」が正しくありません（YYYYMM または YYYY/MM で入力してください）"
UNKNOWN_PERSON = "記号・番号・枝番「{}」の加入者がこの健康保険組合にいません"
UNKNOWN_CARE_TYPE = "診療区分「{}」は不明です（入院・入院外・歯科・調剤・訪問看護のいずれか）"
DRUG_HEADER = ["医薬品コード", "医薬品名", "単位", "薬価", "後発品フラグ", "後発医薬品コード"]


@pytest.fixture
def yamada(household):
    """The insured person of the household, 記号 1001 and 枝番 00."""
    return factories.PersonFactory(household=household)


@pytest.fixture
def hanako(household):
    return factories.DependentFactory(household=household, branch="01")


def claim(person, **values):
    row = {
        "記号": person.household.symbol,
        "番号": person.household.number,
        "枝番": person.branch,
        "診療年月": "202404",
        "医療機関コード": "1312345678",
        "医療機関名": "新宿クリニック",
        "診療区分": "入院外",
        "日数": "2",
        "医療費総額": "12000",
        "保険者負担額": "8400",
        "公費負担額": "0",
        "自己負担額": "3600",
        "備考": "",
    }
    row.update(values)
    return row


def prescription(person, **values):
    row = {
        "記号": person.household.symbol,
        "番号": person.household.number,
        "枝番": person.branch,
        "診療年月": "202404",
        "医療機関コード": "1398765432",
        "医療機関名": "みどり薬局",
        "行番号": "1",
        "医薬品コード": "620000001",
        "薬価": "15.70",
        "使用量": "28",
    }
    row.update(values)
    return row


def write_csv(path, header, rows, *, encoding="utf-8"):
    """A CSV as the union would send it: a header row, then the rows by header name."""
    with open(path, "w", encoding=encoding, newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(
                [row.get(name, "") for name in header] if isinstance(row, dict) else row
            )
    return path


@pytest.fixture
def claims_file(tmp_path):
    def make(rows, *, header=CLAIM_HEADER, encoding="utf-8", name="claims.csv"):
        return write_csv(tmp_path / name, header, rows, encoding=encoding)

    return make


def claim_rows():
    """Every claim's data (not its id), in a stable order."""
    return list(
        Claim.objects.order_by("person_id", "service_month", "provider_name", "care_type")
        .values_list(
            "person_id", "household_id", "service_month", "provider_code", "provider_name",
            "care_type", "days", "total_cost", "insurer_paid", "public_paid", "patient_paid",
            "note",
        )
    )  # fmt: skip


# --- Claims: what comes in --------------------------------------------------------------------


def test_claims_are_imported_with_their_amounts(union, yamada, hanako, claims_file):
    dental = claim(
        hanako, 診療年月="2024/5", 医療機関コード="", 医療機関名="西新宿歯科", 診療区分="歯科",
        日数="1", 医療費総額="5000", 保険者負担額="3500", 自己負担額="1500",
    )  # fmt: skip
    path = claims_file([claim(yamada, 備考="再診"), dental])

    result = import_claims(union=union, source=path)

    assert (result.rows_total, result.rows_imported, result.rows_rejected) == (2, 2, 0)
    assert claim_rows() == [
        (yamada.pk, yamada.household_id, dt.date(2024, 4, 1), "1312345678", "新宿クリニック",
         CareType.OUTPATIENT, 2, 12000, 8400, 0, 3600, "再診"),
        (hanako.pk, hanako.household_id, dt.date(2024, 5, 1), "", "西新宿歯科",
         CareType.DENTAL, 1, 5000, 3500, 0, 1500, ""),
    ]  # fmt: skip
    batch = ImportBatch.objects.get()
    assert (batch.union, batch.kind, batch.file_name) == (union, "claims", "claims.csv")
    assert (batch.rows_total, batch.rows_imported, batch.rows_rejected) == (2, 2, 0)
    assert batch.report == []
    assert batch.finished_at is not None
    assert set(Claim.objects.values_list("batch_id", flat=True)) == {batch.pk}


def test_columns_are_found_by_header_name_in_any_order(union, yamada, claims_file):
    header = list(reversed(CLAIM_HEADER)) + ["取込担当"]
    path = claims_file([claim(yamada) | {"取込担当": "佐藤"}], header=header)

    result = import_claims(union=union, source=path)

    assert result.rows_imported == 1
    assert Claim.objects.get().total_cost == 12000


def test_optional_columns_may_be_left_out(union, yamada, claims_file):
    header = [name for name in CLAIM_HEADER if name not in ("医療機関コード", "備考")]
    path = claims_file([claim(yamada)], header=header)

    import_claims(union=union, source=path)

    assert Claim.objects.get().provider_code == ""


def test_blank_public_amount_counts_as_zero_and_one_digit_branch_is_padded(
    union, hanako, claims_file
):
    path = claims_file([claim(hanako, 枝番="1", 公費負担額="")])

    import_claims(union=union, source=path)

    assert Claim.objects.get().public_paid == 0
    assert Claim.objects.get().person == hanako


def test_an_open_binary_file_can_be_imported_and_is_left_open(union, yamada, claims_file):
    upload = io.BytesIO(claims_file([claim(yamada)]).read_bytes())

    result = import_claims(union=union, source=upload, file_name="upload.csv")

    assert (result.file_name, result.rows_imported) == ("upload.csv", 1)
    assert not upload.closed


def test_utf8_file_with_bom_is_read(union, yamada, claims_file):
    path = claims_file([claim(yamada)], encoding="utf-8-sig")

    result = import_claims(union=union, source=path)

    assert result.encoding == "UTF-8 (BOM付き)"
    assert result.rows_imported == 1


def test_shift_jis_file_keeps_half_width_katakana(union, yamada, claims_file):
    path = claims_file([claim(yamada, 医療機関名="ｼﾝｼﾞｭｸ内科ｸﾘﾆｯｸ髙橋医院")], encoding="cp932")

    result = import_claims(union=union, source=path)

    assert result.encoding == "Shift_JIS (CP932)"
    assert Claim.objects.get().provider_name == "ｼﾝｼﾞｭｸ内科ｸﾘﾆｯｸ髙橋医院"


@pytest.mark.parametrize(
    "content",
    [
        # Excel's 「Unicode テキスト」 (UTF-16 with BOM) …
        "記号,番号\r\n1001,00001\r\n".encode("utf-16"),
        # … and bytes that are neither UTF-8 nor Shift_JIS.
        b"\x8a\xc7\x8d\x86,\x94\xd4\x8d\x86\r\n\x81\x20\xfd\r\n",
    ],
    ids=["utf-16", "binary"],
)
def test_file_in_neither_encoding_is_refused(union, tmp_path, content):
    path = tmp_path / "claims.csv"
    path.write_bytes(content)

    with pytest.raises(ImportRefused) as refused:
        import_claims(union=union, source=path)

    assert refused.value.message == (
        "文字コードを判別できません。UTF-8 または Shift_JIS (CP932) で保存した CSV ファイルを"
        "指定してください。"
    )
    assert not ImportBatch.objects.exists()


def test_file_without_required_columns_is_refused(union, yamada, claims_file):
    header = [name for name in CLAIM_HEADER if name not in ("日数", "公費負担額")]
    path = claims_file([claim(yamada)], header=header)

    with pytest.raises(ImportRefused) as refused:
        import_claims(union=union, source=path)

    assert refused.value.message == "必須の列がありません: 日数、公費負担額"
    assert not Claim.objects.exists()


def test_empty_file_is_refused(union, tmp_path):
    path = tmp_path / "claims.csv"
    path.write_bytes(b"")

    with pytest.raises(ImportRefused) as refused:
        import_claims(union=union, source=path)

    assert refused.value.message == "ヘッダー行がありません。1行目に列名を入れてください。"


def test_file_with_a_column_twice_is_refused(union, yamada, claims_file):
    path = claims_file([], header=[*CLAIM_HEADER, "日数"])

    with pytest.raises(ImportRefused) as refused:
        import_claims(union=union, source=path)

    assert refused.value.message == "列名が重複しています: 日数"


def test_a_file_the_csv_reader_gives_up_on_is_refused_and_changes_nothing(
    union, yamada, claims_file
):
    import_claims(union=union, source=claims_file([claim(yamada)], name="first.csv"))
    before = claim_rows()
    path = claims_file([claim(yamada, 日数="3"), claim(yamada, 備考="x" * 200_000)])

    with pytest.raises(ImportRefused) as refused:
        import_claims(union=union, source=path)

    assert refused.value.message == (
        '3行目を CSV として読めません。引用符 (") の閉じ忘れがないか確認してください。'
    )
    assert claim_rows() == before
    assert ImportBatch.objects.count() == 1


# --- Claims: what is rejected, row by row -----------------------------------------------------


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"番号": "99999"}, UNKNOWN_PERSON.format("1001・99999・00")),
        ({"枝番": "05"}, UNKNOWN_PERSON.format("1001・{number}・05")),
        ({"枝番": "A1"}, "枝番「A1」は2桁までの数字です"),
        ({"記号": ""}, "記号が空欄です"),
        ({"診療年月": "202413"}, BAD_MONTH.format("202413")),
        ({"診療年月": "2024-04"}, BAD_MONTH.format("2024-04")),
        ({"診療年月": "R0604"}, BAD_MONTH.format("R0604")),
        ({"診療区分": "外来"}, UNKNOWN_CARE_TYPE.format("外来")),
        ({"医療機関名": ""}, "医療機関名が空欄です"),
        ({"医療機関名": "病" * 101}, "医療機関名が長すぎます（100文字まで）"),
        ({"医療機関コード": "13123456789"}, "医療機関コードが長すぎます（10文字まで）"),
        ({"日数": "二"}, "日数「二」が整数ではありません"),
        ({"日数": "32"}, "日数が大きすぎます（32）"),
        ({"医療費総額": "12,000"}, "医療費総額「12,000」が整数ではありません"),
        ({"医療費総額": "１２０００"}, "医療費総額「１２０００」が整数ではありません"),
        ({"医療費総額": "3000000000"}, "医療費総額が大きすぎます（3000000000）"),
        ({"自己負担額": ""}, "自己負担額が空欄です"),
        (
            {"医療費総額": "-12000", "保険者負担額": "-8400", "自己負担額": "-3600"},
            "医療費総額が負の値です（-12000） / 保険者負担額が負の値です（-8400） / "
            "自己負担額が負の値です（-3600）",
        ),
        (
            {"自己負担額": "3000"},
            "金額が合いません（医療費総額 12,000 ≠ 保険者負担額 8,400 + 公費負担額 0 + "
            "自己負担額 3,000）",
        ),
    ],
)
def test_a_bad_claim_row_is_rejected_with_its_reason(union, yamada, claims_file, values, reason):
    path = claims_file([claim(yamada, 備考="良い行"), claim(yamada, 医療機関名="悪い行") | values])

    result = import_claims(union=union, source=path)

    assert result.rows_imported == 1
    assert Claim.objects.get().note == "良い行"
    [rejection] = result.rejections
    assert rejection.line == 3
    assert rejection.reason == reason.format(number=yamada.household.number)
    assert rejection.row == {
        name: str(value) for name, value in (claim(yamada, 医療機関名="悪い行") | values).items()
    }


def test_a_person_of_another_union_is_unknown(union, yamada, claims_file):
    other = factories.PersonFactory(household=factories.HouseholdFactory(number="77777"))
    path = claims_file([claim(other)])

    result = import_claims(union=union, source=path)

    assert result.rows_imported == 0
    assert result.rejections[0].reason == UNKNOWN_PERSON.format("1001・77777・00")


def test_a_row_with_too_few_columns_is_rejected(union, yamada, claims_file):
    path = claims_file([claim(yamada), ["1001", "00001", "00", "202404"]])

    result = import_claims(union=union, source=path)

    assert result.rows_imported == 1
    assert (
        result.rejections[0].reason == "列の数がヘッダーと合いません（ヘッダーは13列、この行は4列）"
    )
    assert result.rejections[0].row == {
        "記号": "1001",
        "番号": "00001",
        "枝番": "00",
        "診療年月": "202404",
    }


def test_a_duplicated_claim_line_is_rejected_and_the_first_one_kept(
    union, yamada, hanako, claims_file
):
    path = claims_file(
        [
            claim(yamada, 備考="1つ目"),
            claim(hanako),
            claim(yamada, 備考="2つ目"),
            claim(yamada, 診療区分="入院", 備考="区分が違う"),
        ]
    )

    result = import_claims(union=union, source=path)

    assert result.rows_imported == 3
    [rejection] = result.rejections
    assert (rejection.line, rejection.reason) == (
        4,
        "2行目と同じ受診者・診療年月・医療機関・診療区分の行です",
    )
    assert rejection.row == claim(yamada, 備考="2つ目")
    assert set(Claim.objects.filter(person=yamada).values_list("note", flat=True)) == {
        "1つ目",
        "区分が違う",
    }


def test_rejected_rows_are_kept_in_the_batch_report_with_line_numbers(union, yamada, claims_file):
    path = claims_file(
        [
            claim(yamada, 医療機関名="改行を含む\n医療機関名"),
            [],  # blank rows are skipped, not counted
            claim(yamada, 診療区分="外来"),
            claim(yamada, 診療年月="202405", 日数="x"),
        ]
    )

    result = import_claims(union=union, source=path)

    assert (result.rows_total, result.rows_imported, result.rows_rejected) == (3, 1, 2)
    batch = ImportBatch.objects.get()
    assert (batch.rows_total, batch.rows_imported, batch.rows_rejected) == (3, 1, 2)
    # The first record spans lines 2-3; the blank row is line 4.
    assert [(entry["line"], entry["reasons"]) for entry in batch.report] == [
        (5, [UNKNOWN_CARE_TYPE.format("外来")]),
        (6, ["日数「x」が整数ではありません"]),
    ]
    assert batch.report[0]["row"]["診療区分"] == "外来"


# --- Claims: replacing by (person, 診療年月) ---------------------------------------------------


def test_importing_the_same_file_again_changes_nothing(union, yamada, hanako, claims_file):
    path = claims_file(
        [claim(yamada), claim(yamada, 診療区分="調剤", 医療機関名="みどり薬局"), claim(hanako)]
    )
    first = import_claims(union=union, source=path)
    before = claim_rows()

    again = import_claims(union=union, source=path, force=True)

    assert (again.rows_total, again.rows_imported, again.rows_rejected) == (3, 3, 0)
    assert (again.months_replaced, again.rows_replaced) == (2, 3)
    assert claim_rows() == before
    assert first.rows_imported == again.rows_imported


def test_the_same_file_is_recognised_and_skipped(union, yamada, claims_file):
    path = claims_file([claim(yamada)])
    import_claims(union=union, source=path)
    ids = list(Claim.objects.values_list("pk", flat=True))

    again = import_claims(union=union, source=path)

    assert again.already_imported
    assert list(Claim.objects.values_list("pk", flat=True)) == ids
    assert ImportBatch.objects.count() == 1


def test_an_older_file_imported_again_after_a_newer_one_is_not_skipped(union, yamada, claims_file):
    original = claims_file([claim(yamada)], name="april.csv")
    corrected = claims_file([claim(yamada, 日数="3")], name="april-corrected.csv")
    import_claims(union=union, source=original)
    import_claims(union=union, source=corrected)

    result = import_claims(union=union, source=original)

    assert not result.already_imported
    assert Claim.objects.get().days == 2


def test_a_corrected_file_replaces_the_months_it_contains(union, yamada, hanako, claims_file):
    import_claims(
        union=union,
        source=claims_file(
            [
                claim(yamada, 医療機関名="A病院"),
                claim(yamada, 医療機関名="B病院"),
                claim(yamada, 診療年月="202403", 医療機関名="3月の病院"),
                claim(hanako, 医療機関名="A病院"),
            ],
            name="first.csv",
        ),
    )

    result = import_claims(
        union=union,
        source=claims_file(
            [claim(yamada, 医療機関名="A病院", 日数="5"), claim(yamada, 医療機関名="C病院")],
            name="corrected.csv",
        ),
    )

    assert (result.months_replaced, result.rows_replaced, result.rows_imported) == (1, 2, 2)
    # B病院 disappeared from 2024/04; March and the other person are untouched.
    assert sorted(
        Claim.objects.filter(person=yamada).values_list("service_month", "provider_name", "days")
    ) == [
        (dt.date(2024, 3, 1), "3月の病院", 2),
        (dt.date(2024, 4, 1), "A病院", 5),
        (dt.date(2024, 4, 1), "C病院", 2),
    ]
    assert Claim.objects.filter(person=hanako).count() == 1


def test_a_month_whose_rows_are_all_rejected_keeps_its_existing_claims(union, yamada, claims_file):
    import_claims(union=union, source=claims_file([claim(yamada)], name="first.csv"))

    result = import_claims(
        union=union, source=claims_file([claim(yamada, 日数="x")], name="bad.csv")
    )

    assert (result.rows_imported, result.rows_replaced) == (0, 0)
    assert Claim.objects.get().days == 2


def test_a_dry_run_checks_everything_and_writes_nothing(union, yamada, claims_file):
    import_claims(union=union, source=claims_file([claim(yamada)], name="first.csv"))
    before = claim_rows()
    path = claims_file([claim(yamada, 日数="9"), claim(yamada, 診療区分="外来")])

    result = import_claims(union=union, source=path, dry_run=True)

    assert result.dry_run
    assert (result.rows_imported, result.rows_replaced, result.rows_rejected) == (1, 1, 1)
    assert claim_rows() == before
    assert ImportBatch.objects.count() == 1
    assert result.batch is None


def test_a_large_claims_file_is_imported_whole(union, tmp_path):
    households = factories.HouseholdFactory.create_batch(50, union=union)
    persons = [factories.PersonFactory(household=h) for h in households] + [
        factories.DependentFactory(household=h, branch="01") for h in households
    ]
    path = tmp_path / "claims-100k.csv"
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(CLAIM_HEADER)
        for person in persons:
            for month in range(1, 11):
                for provider in range(100):
                    row = claim(
                        person,
                        診療年月=f"2024{month:02d}",
                        医療機関コード=f"13{provider:08d}",
                        医療機関名=f"医療機関{provider}",
                    )
                    writer.writerow(row.values())

    result = import_claims(union=union, source=path)

    assert (result.rows_total, result.rows_imported, result.rows_rejected) == (100_000, 100_000, 0)
    assert result.months_replaced == 1_000
    assert Claim.objects.count() == 100_000


def test_the_number_of_queries_does_not_grow_with_the_file(union, yamada, hanako, claims_file):
    def queries_for(rows, name):
        with CaptureQueriesContext(connection) as captured:
            import_claims(union=union, source=claims_file(rows, name=name))
        return len(captured)

    few = queries_for([claim(yamada)], "few.csv")
    many = queries_for(
        [
            claim(person, 医療機関名=f"医療機関{n}")
            for person in (yamada, hanako)
            for n in range(200)
        ],
        "many.csv",
    )

    assert many == few


# --- Commands ---------------------------------------------------------------------------------


def test_import_claims_command_prints_a_summary_and_writes_the_report(
    union, yamada, claims_file, tmp_path, capsys
):
    path = claims_file([claim(yamada), claim(yamada, 診療区分="外来"), claim(yamada, 日数="x")])
    report = tmp_path / "errors.csv"

    call_command(
        "import_claims",
        str(path),
        "--union",
        union.slug,
        "--report",
        str(report),
        "--show-errors",
        "1",
    )

    assert capsys.readouterr().out.splitlines() == [
        "医療費「claims.csv」を取り込みました。文字コード: UTF-8",
        "  データ行数: 3件",
        "  取り込み件数: 1件（受診者・診療年月 1組、置き換えた既存の行 0件）",
        "  エラー件数: 2件",
        "    3行目: 診療区分「外来」は不明です（入院・入院外・歯科・調剤・訪問看護のいずれか）",
        "    ほか 1件（--report でエラー行をすべて書き出せます）",
        f"エラー行を「{report}」に書き出しました。",
    ]
    with open(report, encoding="utf-8-sig", newline="") as written:
        rows = list(csv.reader(written))
    assert rows[0] == ["行番号", "理由", *CLAIM_HEADER]
    assert rows[1][:2] == [
        "3",
        UNKNOWN_CARE_TYPE.format("外来"),
    ]
    assert rows[1][2:] == [claim(yamada, 診療区分="外来")[name] for name in CLAIM_HEADER]
    assert rows[2][:2] == ["4", "日数「x」が整数ではありません"]


def test_import_claims_command_reports_a_file_imported_before(union, yamada, claims_file, capsys):
    path = claims_file([claim(yamada)])
    call_command("import_claims", str(path), "--union", union.slug)
    capsys.readouterr()

    call_command("import_claims", str(path), "--union", union.slug)

    assert capsys.readouterr().out == (
        "医療費「claims.csv」: 同じファイルは取り込み済みです。変更はありません。\n"
    )


def test_import_claims_command_dry_run_writes_nothing(union, yamada, claims_file, capsys):
    path = claims_file([claim(yamada)])

    call_command("import_claims", str(path), "--union", union.slug, "--dry-run")

    out = capsys.readouterr().out
    assert out.startswith("医療費「claims.csv」を確認しました（試行のため何も変更していません）。")
    assert "  取り込み件数: 1件（受診者・診療年月 1組、置き換えた既存の行 0件）" in out
    assert not Claim.objects.exists()
    assert not ImportBatch.objects.exists()


def test_import_claims_command_refuses_an_unknown_union(db, tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("import_claims", str(tmp_path / "claims.csv"), "--union", "no-such-union")

    assert str(error.value) == (
        "健康保険組合「no-such-union」が見つかりません。識別名 (slug) を確認してください。"
    )


def test_import_claims_command_fails_on_a_refused_file(union, tmp_path):
    path = tmp_path / "claims.csv"
    path.write_bytes("記号,番号\r\n".encode("utf-16"))

    with pytest.raises(CommandError) as error:
        call_command("import_claims", str(path), "--union", union.slug)

    assert str(error.value) == (
        f"ファイル「{path}」は取り込めません。文字コードを判別できません。UTF-8 または "
        "Shift_JIS (CP932) で保存した CSV ファイルを指定してください。"
    )


def test_import_claims_command_fails_on_a_missing_file(union, tmp_path):
    path = tmp_path / "missing.csv"

    with pytest.raises(CommandError) as error:
        call_command("import_claims", str(path), "--union", union.slug)

    assert str(error.value) == (
        f"ファイル「{path}」は取り込めません。"
        f"ファイル「{path}」を開けません（No such file or directory）。"
    )


# --- Prescriptions ----------------------------------------------------------------------------


@pytest.fixture
def drug(db):
    return Drug.objects.create(
        code="620000001",
        name="アムロジピン錠5mg「サワイ」",
        unit="錠",
        unit_price=Decimal("15.70"),
        is_generic=True,
    )


@pytest.fixture
def prescriptions_file(tmp_path):
    def make(rows, *, name="prescriptions.csv", encoding="utf-8"):
        return write_csv(tmp_path / name, PRESCRIPTION_HEADER, rows, encoding=encoding)

    return make


def test_prescription_lines_are_imported(union, yamada, drug, prescriptions_file):
    path = prescriptions_file(
        [prescription(yamada), prescription(yamada, 行番号="2", 使用量="14.5", 薬価="15.7")]
    )

    result = import_prescriptions(union=union, source=path)

    assert (result.rows_imported, result.rows_rejected) == (2, 0)
    lines = PrescriptionLine.objects.order_by("line_no").values_list(
        "person_id", "household_id", "service_month", "provider_code", "provider_name", "line_no",
        "drug_id", "unit_price", "quantity",
    )  # fmt: skip
    assert list(lines) == [
        (yamada.pk, yamada.household_id, dt.date(2024, 4, 1), "1398765432", "みどり薬局", 1,
         drug.pk, Decimal("15.70"), Decimal("28.000")),
        (yamada.pk, yamada.household_id, dt.date(2024, 4, 1), "1398765432", "みどり薬局", 2,
         drug.pk, Decimal("15.70"), Decimal("14.500")),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"医薬品コード": "999999999"}, "医薬品コード「999999999」が医薬品マスタにありません"),
        ({"医薬品コード": ""}, "医薬品コードが空欄です"),
        ({"薬価": "15.705"}, "薬価の小数部は2桁までです（15.705）"),
        ({"薬価": "-1"}, "薬価が負の値です（-1）"),
        ({"薬価": "１５"}, "薬価「１５」が数値ではありません"),
        ({"薬価": "12345678901"}, "薬価が大きすぎます（12345678901）"),
        ({"使用量": "1.2345"}, "使用量の小数部は3桁までです（1.2345）"),
        ({"使用量": "-28"}, "使用量が負の値です（-28）"),
        ({"行番号": "0"}, "行番号は1以上です"),
        ({"行番号": "a"}, "行番号「a」が整数ではありません"),
        ({"診療年月": "202400"}, BAD_MONTH.format("202400")),
        ({"枝番": "09"}, UNKNOWN_PERSON.format("1001・{number}・09")),
    ],
)
def test_a_bad_prescription_row_is_rejected_with_its_reason(
    union, yamada, drug, prescriptions_file, values, reason
):
    path = prescriptions_file([prescription(yamada), prescription(yamada, 行番号="2") | values])

    result = import_prescriptions(union=union, source=path)

    assert result.rows_imported == 1
    [rejection] = result.rejections
    assert (rejection.line, rejection.reason) == (3, reason.format(number=yamada.household.number))


def test_a_duplicated_prescription_line_is_rejected(union, yamada, drug, prescriptions_file):
    path = prescriptions_file([prescription(yamada), prescription(yamada, 使用量="1")])

    result = import_prescriptions(union=union, source=path)

    assert [(r.line, r.reason) for r in result.rejections] == [
        (3, "2行目と同じ受診者・診療年月・医療機関・行番号の行です")
    ]
    assert PrescriptionLine.objects.get().quantity == Decimal("28")


def test_a_corrected_prescriptions_file_replaces_the_month(union, yamada, drug, prescriptions_file):
    import_prescriptions(
        union=union,
        source=prescriptions_file(
            [
                prescription(yamada),
                prescription(yamada, 行番号="2"),
                prescription(yamada, 診療年月="202405"),
            ],
            name="first.csv",
        ),
    )

    result = import_prescriptions(
        union=union,
        source=prescriptions_file([prescription(yamada, 使用量="7")], name="corrected.csv"),
    )

    assert (result.rows_replaced, result.rows_imported) == (2, 1)
    assert sorted(PrescriptionLine.objects.values_list("service_month", "line_no", "quantity")) == [
        (dt.date(2024, 4, 1), 1, Decimal("7")),
        (dt.date(2024, 5, 1), 1, Decimal("28")),
    ]


def test_import_prescriptions_command_imports_a_shift_jis_file(
    union, yamada, drug, prescriptions_file, capsys
):
    path = prescriptions_file([prescription(yamada, 医療機関名="ﾐﾄﾞﾘ薬局")], encoding="cp932")

    call_command("import_prescriptions", str(path), "--union", union.slug)

    assert capsys.readouterr().out.splitlines()[:2] == [
        "処方医薬品「prescriptions.csv」を取り込みました。文字コード: Shift_JIS (CP932)",
        "  データ行数: 1件",
    ]
    assert PrescriptionLine.objects.get().provider_name == "ﾐﾄﾞﾘ薬局"


# --- The drug master --------------------------------------------------------------------------


@pytest.fixture
def drugs_file(tmp_path):
    def make(rows, *, name="drugs.csv", header=DRUG_HEADER):
        return write_csv(tmp_path / name, header, rows)

    return make


def drug_row(code, name, price, generic_flag, generic_code="", unit="錠"):
    return {
        "医薬品コード": code,
        "医薬品名": name,
        "単位": unit,
        "薬価": price,
        "後発品フラグ": generic_flag,
        "後発医薬品コード": generic_code,
    }


def test_drugs_are_loaded_with_their_generic_equivalents(db, drugs_file):
    # The brand drug comes first and names a generic further down the file.
    path = drugs_file(
        [
            drug_row("2171022F1023", "ノルバスク錠5mg", "22.40", "0", "2171022F1210"),
            drug_row("2171022F1210", "ｱﾑﾛｼﾞﾋﾟﾝ錠5mg「ｻﾜｲ」", "10.10", "1"),
            drug_row("1149019C1149", "ロキソニン錠60mg", "10.10", "0"),
        ]
    )

    result = import_drugs(source=path)

    assert (result.rows_imported, result.drugs_created, result.rows_rejected) == (3, 3, 0)
    brand = Drug.objects.get(code="2171022F1023")
    assert brand.generic == Drug.objects.get(code="2171022F1210")
    assert not brand.is_generic
    assert brand.generic.is_generic
    assert brand.generic.name == "ｱﾑﾛｼﾞﾋﾟﾝ錠5mg「ｻﾜｲ」"
    assert Drug.objects.get(code="1149019C1149").generic is None
    batch = ImportBatch.objects.get()
    assert (batch.union, batch.kind, batch.rows_imported) == (None, "drugs", 3)


def test_drugs_are_updated_by_code_and_a_generic_may_already_be_in_the_master(db, drugs_file):
    generic = Drug.objects.create(
        code="2171022F1210",
        name="アムロジピン",
        unit="錠",
        unit_price=Decimal("10.10"),
        is_generic=True,
    )
    brand = Drug.objects.create(
        code="2171022F1023", name="ノルバスク錠5mg", unit="錠", unit_price=Decimal("25.00")
    )
    path = drugs_file([drug_row("2171022F1023", "ノルバスク錠5mg", "22.40", "0", "2171022F1210")])

    result = import_drugs(source=path)

    assert (result.drugs_created, result.drugs_updated, result.drugs_unchanged) == (0, 1, 0)
    brand.refresh_from_db()
    assert (brand.pk, brand.unit_price, brand.generic) == (brand.pk, Decimal("22.40"), generic)
    assert Drug.objects.get(code="2171022F1210").name == "アムロジピン"


def test_importing_the_same_drug_file_again_changes_nothing(db, drugs_file):
    path = drugs_file(
        [
            drug_row("2171022F1023", "ノルバスク錠5mg", "22.40", "0", "2171022F1210"),
            drug_row("2171022F1210", "アムロジピン錠5mg", "10.10", "1"),
        ]
    )
    import_drugs(source=path)
    before = list(Drug.objects.order_by("pk").values())

    again = import_drugs(source=path, force=True)

    assert (again.drugs_created, again.drugs_updated, again.drugs_unchanged) == (0, 0, 2)
    assert list(Drug.objects.order_by("pk").values()) == before
    assert import_drugs(source=path).already_imported


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (
            drug_row("2171022F1023", "ノルバスク", "22.40", "0", "9999999Z9999"),
            "後発医薬品コード「9999999Z9999」が医薬品マスタにもこのファイルにもありません",
        ),
        (
            drug_row("2171022F1023", "ノルバスク", "22.40", "0", "1149019C1149"),
            "後発医薬品コード「1149019C1149」の医薬品は後発品ではありません",
        ),
        (
            drug_row("2171022F1023", "ノルバスク", "22.40", "1", "2171022F1210"),
            "後発品（後発品フラグ1）には後発医薬品コードを指定できません",
        ),
        (drug_row("2171022F1023", "ノルバスク", "22.40", "2"), "後発品フラグ「2」は0か1です"),
        (
            drug_row("2171-022F", "ノルバスク", "22.40", "0"),
            "医薬品コード「2171-022F」は12文字までの半角英数字です",
        ),
        (drug_row("2171022F1023", "", "22.40", "0"), "医薬品名が空欄です"),
        (
            drug_row("2171022F1023", "ノルバスク", "22.405", "0"),
            "薬価の小数部は2桁までです（22.405）",
        ),
        (drug_row("1149019C1149", "ロキソニン", "10.10", "0"), "2行目と同じ医薬品コードの行です"),
    ],
)
def test_a_bad_drug_row_is_rejected_with_its_reason(db, drugs_file, row, reason):
    path = drugs_file([drug_row("1149019C1149", "ロキソニン錠60mg", "10.10", "0"), row])

    result = import_drugs(source=path)

    assert [(r.line, r.reason) for r in result.rejections] == [(3, reason)]
    assert list(Drug.objects.values_list("code", flat=True)) == ["1149019C1149"]


def test_a_brand_drug_pointing_at_a_rejected_generic_is_rejected_too(db, drugs_file):
    path = drugs_file(
        [
            drug_row("2171022F1023", "ノルバスク錠5mg", "22.40", "0", "2171022F1210"),
            drug_row("2171022F1210", "アムロジピン錠5mg", "x", "1"),
        ]
    )

    result = import_drugs(source=path)

    assert [(r.line, r.reason) for r in result.rejections] == [
        (2, "後発医薬品コード「2171022F1210」が医薬品マスタにもこのファイルにもありません"),
        (3, "薬価「x」が数値ではありません"),
    ]
    assert not Drug.objects.exists()


def test_import_drugs_command_dry_run_writes_nothing(db, drugs_file, capsys):
    path = drugs_file([drug_row("1149019C1149", "ロキソニン錠60mg", "10.10", "0")])

    call_command("import_drugs", str(path), "--dry-run")

    assert capsys.readouterr().out.splitlines() == [
        "医薬品マスタ「drugs.csv」を確認しました（試行のため何も変更していません）。"
        "文字コード: UTF-8",
        "  データ行数: 1件",
        "  取り込み件数: 1件（新規 1件、更新 0件、変更なし 0件）",
        "  エラー件数: 0件",
    ]
    assert not Drug.objects.exists()
    assert not ImportBatch.objects.exists()
