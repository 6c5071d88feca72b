"""`manage.py import_benefits`: the documented layout, row-level errors, re-import, replacement."""

import csv
import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from benefits.imports import import_benefits
from benefits.models import BenefitImport, BenefitPayment
from kosmo.imports import ENCODING_REFUSED, ImportRefused
from tests import factories
from tests.benefits.factories import BenefitTypeFactory

HEADER = [
    "記号", "番号", "枝番", "支給年月", "給付種別", "支給金額",
    "支給決定日", "診療年月", "支給期間開始", "支給期間終了", "日数", "備考",
]  # fmt: skip


def _csv(rows, header=HEADER, encoding="utf-8") -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def _file(tmp_path, content: bytes, name="kyufu.csv"):
    path = tmp_path / name
    path.write_bytes(content)
    return path


def _row(person, paid="202412", kind="インフルエンザ予防接種補助金", amount="3000", **extra):
    household = person.household
    values = {
        "記号": household.symbol,
        "番号": household.number,
        "枝番": person.branch,
        "支給年月": paid,
        "給付種別": kind,
        "支給金額": amount,
    }
    values.update(extra)
    return [values.get(name, "") for name in HEADER]


def _command(*args):
    out = io.StringIO()
    call_command("import_benefits", *map(str, args), stdout=out)
    return out.getvalue()


@pytest.fixture
def people(insured, dependent, types):
    return insured.person, dependent.person


def _rows_of(union):
    return list(
        BenefitPayment.objects.filter(household__union=union)
        .order_by("paid_month", "person__branch", "amount")
        .values_list("person__branch", "paid_month", "benefit_type__name", "amount")
    )


def test_a_good_file_is_imported_with_every_column(tmp_path, union, people):
    taro, hanako = people
    path = _file(
        tmp_path,
        _csv(
            [
                _row(taro),
                _row(hanako),
                _row(
                    taro,
                    paid="2025/1",
                    kind="傷病手当金",
                    amount="123456",
                    支給決定日="20250110",
                    診療年月="202412",
                    支給期間開始="2024/12/01",
                    支給期間終了="2024-12-20",
                    日数="17",
                    備考="待期3日を除く",
                ),
            ]
        ),
    )

    output = _command(path, "--union", union.slug)

    assert "給付金「kyufu.csv」を取り込みました。文字コード: UTF-8" in output
    assert "データ行数: 3件" in output and "エラー件数: 0件" in output
    assert "取り込み件数: 3件（対象者・支給年月 3組、置き換えた既存の行 0件）" in output
    sick = BenefitPayment.objects.get(benefit_type__name="傷病手当金")
    assert (sick.paid_month, sick.decided_on, sick.service_month) == (
        dt.date(2025, 1, 1),
        dt.date(2025, 1, 10),
        dt.date(2024, 12, 1),
    )
    assert (sick.period_start, sick.period_end, sick.days) == (
        dt.date(2024, 12, 1),
        dt.date(2024, 12, 20),
        17,
    )
    assert sick.amount == 123456 and sick.note == "待期3日を除く"
    assert sick.household_id == taro.household_id
    flu = BenefitPayment.objects.filter(benefit_type__name="インフルエンザ予防接種補助金")
    assert [(p.days, p.period_start, p.service_month) for p in flu] == [(None, None, None)] * 2
    batch = BenefitImport.objects.get()
    assert (batch.rows_total, batch.rows_imported, batch.rows_rejected) == (3, 3, 0)
    assert sick.batch_id == batch.pk


def test_a_shift_jis_file_with_only_the_required_columns(tmp_path, union, people):
    taro, _ = people
    header = ["記号", "番号", "枝番", "支給年月", "給付種別", "支給金額"]
    rows = [_row(taro, kind="高額療養費", amount="45000")[:6]]
    path = _file(tmp_path, _csv(rows, header=header, encoding="cp932"))

    output = _command(path, "--union", union.slug)

    assert "文字コード: Shift_JIS (CP932)" in output
    assert _rows_of(union) == [("00", dt.date(2024, 12, 1), "高額療養費", 45000)]


def test_a_type_may_be_given_by_its_code(tmp_path, union, people, types):
    taro, _ = people
    path = _file(tmp_path, _csv([_row(taro, kind=types["付加給付"].code)]))

    import_benefits(union=union, source=path)

    assert BenefitPayment.objects.get().benefit_type == types["付加給付"]


def test_bad_rows_are_reported_with_line_and_reason_and_good_rows_kept(tmp_path, union, people):
    taro, hanako = people
    other_union_type = BenefitTypeFactory(
        union=factories.UnionFactory(), code="Z1", name="よその組合の給付"
    )
    rows = [
        _row(taro),  # 2: good
        _row(taro, amount="3,000"),  # 3
        _row(taro, amount="-3000"),  # 4
        _row(taro, amount="0"),  # 5
        _row(taro, amount=""),  # 6
        _row(taro, paid="202413"),  # 7
        _row(taro, paid="R0612"),  # 8
        _row(taro, kind="出産祝い金"),  # 9
        _row(taro, kind=other_union_type.name),  # 10
        [taro.household.symbol, "99999", "00", "202412", "高額療養費", "1000", *[""] * 6],  # 11
        _row(taro, 日数="五"),  # 12
        _row(taro, 支給期間開始="20241220", 支給期間終了="20241201"),  # 13
        _row(taro, 支給期間開始="20241201"),  # 14
        _row(taro, 支給期間開始="20241201", 支給期間終了="20241210", 日数="11"),  # 15
        _row(taro, 支給決定日="20240231"),  # 16
        _row(taro)[:5],  # 17
        _row(taro),  # 18: the same as line 2
        _row(hanako, 枝番="1"),  # 19: good ("1" is "01")
        _row(taro, 枝番="abc"),  # 20
        _row(taro, 備考="あ" * 101),  # 21
    ]
    path = _file(tmp_path, _csv(rows))

    result = import_benefits(union=union, source=path)

    assert result.rows_total == 20 and result.rows_imported == 2
    assert [(r.line, r.reason) for r in result.rejections] == [
        (3, "支給金額「3,000」が整数ではありません"),
        (4, "支給金額が負の値です（-3000）"),
        (5, "支給金額は1以上です（0）"),
        (6, "支給金額が空欄です"),
        (7, "支給年月「202413」が正しくありません（YYYYMM または YYYY/MM で入力してください）"),
        (8, "支給年月「R0612」が正しくありません（YYYYMM または YYYY/MM で入力してください）"),
        (9, "給付種別「出産祝い金」がこの健康保険組合の給付種別マスタにありません"),
        (10, "給付種別「よその組合の給付」がこの健康保険組合の給付種別マスタにありません"),
        (
            11,
            f"記号・番号・枝番「{taro.household.symbol}・99999・00」の加入者が"
            "この健康保険組合にいません",
        ),
        (12, "日数「五」が整数ではありません"),
        (13, "支給期間終了が支給期間開始より前です"),
        (14, "支給期間は開始と終了の両方を入力してください"),
        (15, "日数が支給期間の日数（10日）を超えています"),
        (
            16,
            "支給決定日「20240231」が正しくありません"
            "（YYYYMMDD または YYYY/MM/DD で入力してください）",
        ),
        (17, "列の数がヘッダーと合いません（ヘッダーは12列、この行は5列）"),
        (18, "2行目と同じ内容の行です"),
        (20, "枝番「abc」は2桁までの数字です"),
        (21, "備考が長すぎます（100文字まで）"),
    ]
    assert _rows_of(union) == [
        ("00", dt.date(2024, 12, 1), "インフルエンザ予防接種補助金", 3000),
        ("01", dt.date(2024, 12, 1), "インフルエンザ予防接種補助金", 3000),
    ]
    batch = BenefitImport.objects.get()
    assert batch.rows_rejected == 18
    assert batch.report[0] == {
        "line": 3,
        "reasons": ["支給金額「3,000」が整数ではありません"],
        "row": dict(zip(HEADER, _row(taro, amount="3,000"), strict=True)),
    }


def test_every_reason_of_a_row_is_reported(tmp_path, union, people):
    taro, _ = people
    path = _file(tmp_path, _csv([_row(taro, paid="", kind="", amount="-1")]))

    [rejection] = import_benefits(union=union, source=path).rejections

    assert rejection.reasons == [
        "支給年月が空欄です",
        "給付種別が空欄です",
        "支給金額が負の値です（-1）",
    ]


def test_another_unions_persons_are_unknown(tmp_path, union, types, other_union_member):
    person = other_union_member.person
    path = _file(tmp_path, _csv([_row(person)]))

    [rejection] = import_benefits(union=union, source=path).rejections

    assert rejection.reason.endswith("の加入者がこの健康保険組合にいません")
    assert not BenefitPayment.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("記号,番号\n".encode("utf-16"), ENCODING_REFUSED),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ENCODING_REFUSED),
        ("記号,番号,枝番\n".encode("euc_jp") + b"\xff\xfe", ENCODING_REFUSED),
        (b"", "ヘッダー行がありません。1行目に列名を入れてください。"),
        ("記号,番号,枝番,支給年月\n".encode(), "必須の列がありません: 給付種別、支給金額"),
        (
            "記号,番号,枝番,支給年月,給付種別,支給金額,支給金額\n".encode(),
            "列名が重複しています: 支給金額",
        ),
    ],
)
def test_unreadable_files_are_refused_and_change_nothing(tmp_path, union, people, content, message):
    path = _file(tmp_path, content)

    with pytest.raises(CommandError) as refused:
        _command(path, "--union", union.slug)

    assert str(refused.value) == f"ファイル「{path}」は取り込めません。{message}"
    assert not BenefitImport.objects.exists() and not BenefitPayment.objects.exists()


def test_an_unknown_union_stops_before_reading(tmp_path, db):
    with pytest.raises(CommandError, match="健康保険組合「nowhere」が見つかりません。"):
        _command(tmp_path / "missing.csv", "--union", "nowhere")


def test_a_missing_file_is_refused(tmp_path, union):
    with pytest.raises(ImportRefused, match="を開けません"):
        import_benefits(union=union, source=tmp_path / "missing.csv")


def test_importing_the_same_file_again_changes_nothing(tmp_path, union, people):
    taro, hanako = people
    path = _file(tmp_path, _csv([_row(taro), _row(hanako)]))
    _command(path, "--union", union.slug)
    before = list(BenefitPayment.objects.values_list("pk", "amount"))

    again = _command(path, "--union", union.slug)
    forced = _command(path, "--union", union.slug, "--force")

    assert again.strip() == (
        "給付金「kyufu.csv」: 同じファイルは取り込み済みです。変更はありません。"
    )
    assert "置き換えた既存の行 2件" in forced
    assert BenefitPayment.objects.count() == 2
    assert sorted(BenefitPayment.objects.values_list("amount", flat=True)) == [a for _, a in before]


def test_a_corrected_file_replaces_the_months_it_contains(tmp_path, union, people):
    taro, hanako = people
    first = _csv(
        [
            _row(taro, paid="202411", kind="高額療養費", amount="40000"),
            _row(taro),
            _row(taro, kind="付加給付", amount="9000"),
            _row(hanako),
        ]
    )
    _command(_file(tmp_path, first, "november.csv"), "--union", union.slug)
    # December is resent for 太郎: the 付加給付 was a mistake, the subsidy was ¥2,500.
    corrected = _csv([_row(taro, amount="2500")])

    output = _command(_file(tmp_path, corrected, "fix.csv"), "--union", union.slug)

    assert "対象者・支給年月 1組、置き換えた既存の行 2件" in output
    assert _rows_of(union) == [
        ("00", dt.date(2024, 11, 1), "高額療養費", 40000),  # another month: untouched
        ("00", dt.date(2024, 12, 1), "インフルエンザ予防接種補助金", 2500),
        ("01", dt.date(2024, 12, 1), "インフルエンザ予防接種補助金", 3000),  # another person
    ]


def test_an_older_file_imported_again_after_a_correction_runs(tmp_path, union, people):
    taro, _ = people
    original = _file(tmp_path, _csv([_row(taro)]), "a.csv")
    _command(original, "--union", union.slug)
    _command(_file(tmp_path, _csv([_row(taro, amount="2500")]), "b.csv"), "--union", union.slug)

    _command(original, "--union", union.slug)

    assert _rows_of(union) == [("00", dt.date(2024, 12, 1), "インフルエンザ予防接種補助金", 3000)]


def test_dry_run_changes_nothing_and_the_report_lists_the_rejected_rows(tmp_path, union, people):
    taro, _ = people
    path = _file(tmp_path, _csv([_row(taro), _row(taro, kind="出産祝い金")]))
    report = tmp_path / "errors.csv"

    output = _command(path, "--union", union.slug, "--dry-run", "--report", report)

    assert "を確認しました（試行のため何も変更していません）" in output
    assert "3行目: 給付種別「出産祝い金」がこの健康保険組合の給付種別マスタにありません" in output
    assert not BenefitPayment.objects.exists() and not BenefitImport.objects.exists()
    with open(report, encoding="utf-8-sig", newline="") as written:
        lines = list(csv.reader(written))
    assert lines[0] == ["行番号", "理由", *HEADER]
    assert lines[1][:2] == [
        "3",
        "給付種別「出産祝い金」がこの健康保険組合の給付種別マスタにありません",
    ]
    assert lines[1][2:] == _row(taro, kind="出産祝い金")


def test_the_summary_lists_the_first_errors_only(tmp_path, union, people):
    taro, _ = people
    path = _file(tmp_path, _csv([_row(taro, amount=str(-i - 1)) for i in range(5)]))

    output = _command(path, "--union", union.slug, "--show-errors", "2")

    assert "エラー件数: 5件" in output
    assert "2行目: 支給金額が負の値です（-1）" in output and "4行目" not in output
    assert "ほか 3件（--report でエラー行をすべて書き出せます）" in output
