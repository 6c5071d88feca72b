"""`manage.py import_checkups`: the documented CSV, bad rows with their reasons, bad files
refused whole, and re-imports that change nothing."""

import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from checkup.imports import import_checkups
from checkup.models import Checkup, CheckupImport, CheckupResult
from kosmo.imports import ENCODING_REFUSED, ImportRefused

HEADER = ["記号", "番号", "枝番", "受診日", "項目コード", "結果値", "健診機関名"]
SBP, SBP_FIRST = "9A755000000000001", "9A751000000000001"  # その他 / 1回目 (a method alias)
LDL, HBA1C, PROTEIN = "3F077000002327101", "3D046000001906202", "1A010000000190111"


def _csv(rows, *, header=HEADER, encoding="utf-8") -> io.BytesIO:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    data = io.BytesIO(text.getvalue().encode(encoding))
    data.name = "kenshin.csv"
    return data


def _row(person, code, value, day="2025/06/14", institution="コスモ健診センター"):
    household = person.household
    return [household.symbol, household.number, person.branch, day, code, value, institution]


def _values(person) -> dict:
    return dict(
        CheckupResult.objects.filter(checkup__person=person).values_list("item_code", "value")
    )


def test_rows_become_one_checkup_per_person_and_date(union, insured, dependent):
    rows = [
        _row(insured.person, SBP_FIRST, "142"),
        _row(insured.person, LDL, "152"),
        _row(insured.person, PROTEIN, "（±）"),
        _row(insured.person, HBA1C, "5.8", day="2024-06-10"),
        _row(dependent.person, SBP, "118", day="20250601"),
    ]

    result = import_checkups(union=union, source=_csv(rows))

    assert (result.rows_total, result.rows_imported, result.rows_rejected) == (5, 5, 0)
    assert result.checkups_created == 3
    latest = Checkup.objects.get(person=insured.person, exam_date=dt.date(2025, 6, 14))
    assert latest.institution == "コスモ健診センター"
    assert dict(latest.results.values_list("item_code", "value")) == {
        SBP: "142",  # stored under the item's main code
        LDL: "152",
        PROTEIN: "±",  # qualitative values in one spelling
    }
    assert Checkup.objects.filter(person=dependent.person, exam_date=dt.date(2025, 6, 1)).exists()


def test_bad_rows_are_reported_and_good_rows_kept(union, insured):
    rows = [
        _row(insured.person, SBP, "142"),
        _row(insured.person, "9Z999000000000001", "1"),
        _row(insured.person, LDL, "abc"),
        _row(insured.person, HBA1C, "６．０"),
        ["1001", "99999", "00", "2025/06/14", SBP, "120", ""],
        _row(insured.person, SBP, "130", day="2025/13/01"),
        _row(insured.person, PROTEIN, "たくさん"),
        _row(insured.person, "9N701000000000011", "3"),
        _row(insured.person, SBP, "150"),
        _row(insured.person, LDL, ""),
        _row(insured.person, SBP, "130", day="2099/01/01"),
    ]

    result = import_checkups(union=union, source=_csv(rows))

    assert result.rows_imported == 1
    assert [(r.line, r.reason) for r in result.rejections] == [
        (3, "項目コード「9Z999000000000001」は不明です（docs/checkup.md の項目コード表にありません）"),  # noqa: E501
        (4, "結果値「abc」は数値ではありません（LDLコレステロール。半角数字で入力してください）"),
        (5, "結果値「６．０」は数値ではありません（HbA1c（NGSP）。半角数字で入力してください）"),
        (6, "記号・番号・枝番「1001-99999-00」の加入者がこの健康保険組合にいません"),
        (7, "受診日「2025/13/01」が正しくありません（YYYY-MM-DD または YYYY/MM/DD で入力してください）"),  # noqa: E501
        (8, "結果値「たくさん」は尿蛋白の値として読めません（-、±、+、2+、3+、4+ のいずれか）"),
        (9, "結果値「3」は服薬（血圧を下げる薬）の回答として読めません（1: はい、2: いいえ）"),
        (10, "2行目と同じ受診者・受診日・項目の行です"),
        (11, "結果値が空欄です（LDLコレステロール）"),
        (12, "受診日「2099/01/01」が未来の日付です"),
    ]  # fmt: skip
    assert _values(insured.person) == {SBP: "142"}
    batch = CheckupImport.objects.get()
    assert (batch.rows_total, batch.rows_imported, batch.rows_rejected) == (11, 1, 10)
    assert batch.report[0] == {"line": 3, "reasons": [result.rejections[0].reason]}


def test_a_person_of_another_union_is_unknown(union, insured, other_union_member):
    result = import_checkups(union=union, source=_csv([_row(other_union_member.person, SBP, "1")]))

    assert "の加入者がこの健康保険組合にいません" in result.rejections[0].reason
    assert not Checkup.objects.exists()


def test_importing_the_same_file_again_changes_nothing(union, insured):
    rows = [_row(insured.person, SBP, "142"), _row(insured.person, LDL, "152")]
    import_checkups(union=union, source=_csv(rows))
    before = list(CheckupResult.objects.values_list("pk", "item_code", "value"))

    again = import_checkups(union=union, source=_csv(rows))

    assert (again.checkups_created, again.checkups_updated, again.checkups_unchanged) == (0, 0, 1)
    assert list(CheckupResult.objects.values_list("pk", "item_code", "value")) == before
    assert Checkup.objects.count() == 1


def test_a_corrected_file_replaces_the_checkups_it_contains(union, insured):
    import_checkups(
        union=union,
        source=_csv(
            [
                _row(insured.person, SBP, "142"),
                _row(insured.person, LDL, "152"),
                _row(insured.person, SBP, "120", day="2024/06/10"),
            ]
        ),
    )

    result = import_checkups(union=union, source=_csv([_row(insured.person, SBP, "138")]))

    assert result.checkups_updated == 1
    latest = Checkup.objects.get(exam_date=dt.date(2025, 6, 14))
    assert dict(latest.results.values_list("item_code", "value")) == {SBP: "138"}
    older = Checkup.objects.get(exam_date=dt.date(2024, 6, 10))
    assert dict(older.results.values_list("item_code", "value")) == {SBP: "120"}


def test_shift_jis_file_from_excel(union, insured):
    source = _csv(
        [_row(insured.person, SBP, "142", institution="髙島屋健診ｾﾝﾀｰ")], encoding="cp932"
    )

    result = import_checkups(union=union, source=source)

    assert result.encoding == "Shift_JIS (CP932)"
    assert Checkup.objects.get().institution == "髙島屋健診ｾﾝﾀｰ"


@pytest.mark.parametrize(
    "data",
    [
        "記号,番号\n".encode("utf-16"),
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "記号,番号,枝番\n".encode("euc-jp") + b"\xfd\xfe",
    ],
    ids=["utf-16", "binary", "euc-jp"],
)
def test_a_file_in_another_encoding_is_refused_whole(union, insured, data):
    with pytest.raises(ImportRefused) as refused:
        import_checkups(union=union, source=io.BytesIO(data))

    assert refused.value.message == ENCODING_REFUSED
    assert not CheckupImport.objects.exists()


def test_missing_columns_are_refused(union):
    source = _csv([], header=["記号", "番号", "枝番", "受診日"])

    with pytest.raises(ImportRefused, match="必須の列がありません: 項目コード、結果値"):
        import_checkups(union=union, source=source)


def test_empty_file_is_refused(union):
    with pytest.raises(ImportRefused, match="ヘッダー行がありません"):
        import_checkups(union=union, source=io.BytesIO(b""))


def test_command_reports_and_dry_run_changes_nothing(union, insured, tmp_path):
    path = tmp_path / "kenshin.csv"
    path.write_bytes(
        _csv([_row(insured.person, SBP, "142"), _row(insured.person, LDL, "x")]).read()
    )
    out = io.StringIO()

    call_command("import_checkups", str(path), "--union", union.slug, "--dry-run", stdout=out)

    assert (
        "健診結果「kenshin.csv」を確認しました（試行のため何も変更していません）" in out.getvalue()
    )
    assert (
        "エラー件数: 1件" in out.getvalue()
        and "3行目: 結果値「x」は数値ではありません" in out.getvalue()
    )
    assert not Checkup.objects.exists() and not CheckupImport.objects.exists()

    out = io.StringIO()
    call_command("import_checkups", str(path), "--union", union.slug, stdout=out)
    assert "取り込み件数: 1件（健診 新規 1件、更新 0件、変更なし 0件）" in out.getvalue()
    assert Checkup.objects.count() == 1


def test_command_refuses_an_unreadable_file_and_an_unknown_union(union, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes("記号\n".encode("utf-16"))

    with pytest.raises(
        CommandError, match="ファイル「.*bad.csv」は取り込めません。文字コードを判別"
    ):
        call_command("import_checkups", str(path), "--union", union.slug)
    with pytest.raises(CommandError, match="健康保険組合「nowhere」が見つかりません"):
        call_command("import_checkups", str(path), "--union", "nowhere")
