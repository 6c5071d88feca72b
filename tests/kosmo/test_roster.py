"""The member roster (加入者台帳): first load, every rejection with its Japanese reason, the
monthly 異動 (update, 資格喪失, 記号・番号の変更, 被扶養者→被保険者), persons missing from a
full roster, and a re-run that changes nothing. UTF-8 and Shift_JIS files."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kosmo.models import Household, Person, PersonChange, RosterImport
from kosmo.roster import import_persons
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 5)
HEADER = "記号,番号,枝番,区分,続柄,氏名,カナ氏名,生年月日,性別,資格取得日,資格喪失日,郵便番号,住所"
ADDRESS = "東京都新宿区西新宿2-8-1"
TARO = (
    "1001,10001,00,被保険者,本人,山田 太郎,ヤマダ タロウ,"
    f"1979-08-22,男,2015-04-01,,160-0023,{ADDRESS}"
)
HANAKO = (
    f"1001,10001,01,被扶養者,妻,山田 花子,ヤマダ ハナコ,1981/03/03,女,20150401,,1600023,{ADDRESS}"
)
KEN = "1002,10002,00,被保険者,本人,佐藤 健,サトウ ケン,1985-05-05,1,2018-04-01,,,"
MISAKI = "1002,10002,01,被扶養者,子,佐藤 美咲,サトウ ミサキ,2010-01-10,2,2018-04-01,,,"


def write(tmp_path, name, *rows, header=HEADER, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(("\r\n".join([header, *rows]) + "\r\n").encode(encoding))
    return path


def run(union, path, **options):
    return import_persons(union=union, source=path, today=TODAY, **options)


def person(union, symbol, number, branch):
    return Person.objects.get(
        household__union=union, household__symbol=symbol, household__number=number, branch=branch
    )


@pytest.fixture
def union():
    return factories.UnionFactory(insurer_number="06139992", slug="roster")


def test_first_load_creates_households_and_persons(union, tmp_path):
    result = run(union, write(tmp_path, "roster.csv", TARO, HANAKO, KEN, MISAKI))

    assert (result.rows_total, result.rows_imported, result.rejections) == (4, 4, [])
    assert (result.created, result.updated, result.unchanged) == (4, 0, 0)
    assert Household.objects.filter(union=union).count() == 2
    hanako = person(union, "1001", "10001", "01")
    assert hanako.role == Person.Role.DEPENDENT
    assert hanako.relationship == Person.Relationship.SPOUSE
    assert (hanako.family_name, hanako.given_name) == ("山田", "花子")
    assert (hanako.family_name_kana, hanako.given_name_kana) == ("ヤマダ", "ハナコ")
    assert hanako.birth_date == dt.date(1981, 3, 3)
    assert hanako.qualified_on == dt.date(2015, 4, 1)
    assert hanako.postal_code == "160-0023"
    assert person(union, "1002", "10002", "01").relationship == Person.Relationship.CHILD
    batch = RosterImport.objects.get(union=union)
    assert (batch.rows_total, batch.persons_created) == (4, 4)


def test_a_shift_jis_file_from_excel_loads_the_same(union, tmp_path):
    path = write(
        tmp_path,
        "roster-sjis.csv",
        TARO,
        "1001,10001,01,被扶養者,妻,髙橋 﨑子,ﾀｶﾊｼ ｻｷｺ,1981-03-03,女,2015-04-01,,,",
        encoding="cp932",
    )

    result = run(union, path)

    assert result.encoding == "Shift_JIS (CP932)"
    assert result.created == 2
    saki = person(union, "1001", "10001", "01")
    assert (saki.family_name, saki.given_name, saki.given_name_kana) == ("髙橋", "﨑子", "ｻｷｺ")


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (
            TARO.replace("本人,", "いとこ,"),
            "続柄「いとこ」は不明です（本人・配偶者・子・父母・祖父母・孫・兄弟姉妹・その他など）",
        ),
        (
            TARO.replace("1979-08-22,男,2015-04-01", "2026-12-06,男,2026-12-06"),
            "生年月日「2026-12-06」が未来の日付です",
        ),
        (
            TARO.replace(",2015-04-01,,", ",2015-04-01,2015-03-31,"),
            "資格喪失日（2015-03-31）が資格取得日（2015-04-01）より前です",
        ),
        (
            TARO.replace("被保険者", "家族"),
            "区分「家族」は不明です（被保険者・被扶養者のいずれか）",
        ),
        (TARO.replace(",男,", ",M,"), "性別「M」は不明です（男・女 または 1・2）"),
        (
            TARO.replace("山田 太郎", "山田太郎"),
            "氏名「山田太郎」は姓と名を空白で区切ってください（例: 山田 太郎）",
        ),
        (
            TARO.replace("1979-08-22", "1979/13/01"),
            "生年月日「1979/13/01」が正しくありません"
            "（YYYY-MM-DD、YYYY/MM/DD または YYYYMMDD で入力してください）",
        ),
        (
            TARO.replace("被保険者,本人", "被保険者,妻"),
            "被保険者の続柄は「本人」です（「妻」になっています）",
        ),
        (TARO.replace("160-0023", "160-002"), "郵便番号「160-002」は7桁の数字です（例: 160-0023）"),
        (TARO.replace(",00,", ",000,"), "枝番「000」は2桁までの数字です"),
        (TARO.replace("1001,", ",", 1), "記号が空欄です"),
    ],
    ids=[
        "unknown-relationship",
        "birth-in-the-future",
        "disqualified-before-qualified",
        "unknown-role",
        "unknown-sex",
        "name-without-space",
        "bad-date",
        "insured-not-self",
        "bad-postal-code",
        "bad-branch",
        "blank-symbol",
    ],
)
def test_a_bad_row_is_rejected_with_its_reason_and_the_others_load(union, tmp_path, row, reason):
    result = run(union, write(tmp_path, "roster.csv", KEN, row))

    assert [(r.line, r.reasons) for r in result.rejections] == [(3, [reason])]
    assert result.created == 1
    assert result.rejections[0].row["記号"] == row.split(",")[0]


# validate_email takes up to 320 characters; Person.email (the column) holds 254.
EMAIL_254 = "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 58 + ".jp"
EMAIL_255 = "a" + EMAIL_254


def test_a_contact_address_of_254_characters_loads_and_one_of_255_is_rejected(union, tmp_path):
    header = HEADER + ",メールアドレス"
    assert (len(EMAIL_254), len(EMAIL_255)) == (254, 255)

    result = run(
        union,
        write(
            tmp_path, "roster.csv", f"{TARO},{EMAIL_254}", f"{HANAKO},{EMAIL_255}", header=header
        ),
    )

    assert [(r.line, r.reasons) for r in result.rejections] == [
        (3, ["メールアドレスが長すぎます（254文字まで）"])
    ]
    assert person(union, "1001", "10001", "00").email == EMAIL_254


def test_birth_date_today_is_accepted_and_tomorrow_is_not(union, tmp_path):
    today = TARO.replace("1979-08-22", "2026-12-05").replace("2015-04-01", "2026-12-05")

    assert run(union, write(tmp_path, "roster.csv", today)).rejections == []


def test_disqualified_on_the_day_of_qualification_is_accepted(union, tmp_path):
    row = TARO.replace(",2015-04-01,,", ",2015-04-01,2015-04-01,")

    result = run(union, write(tmp_path, "roster.csv", row))

    assert result.rejections == []
    assert person(union, "1001", "10001", "00").disqualified_on == dt.date(2015, 4, 1)


def test_a_wrong_insurer_number_in_the_file_is_rejected(union, tmp_path):
    header = "保険者番号," + HEADER
    path = write(
        tmp_path,
        "roster.csv",
        "06139992," + TARO,
        "06139993," + HANAKO,
        "06130009," + KEN,
        header=header,
    )

    result = run(union, path)

    assert [(r.line, r.reasons) for r in result.rejections] == [
        (3, ["保険者番号「06139993」の検証番号（8桁目）が正しくありません"]),
        (4, ["保険者番号「06130009」がこの健康保険組合の保険者番号（06139992）と違います"]),
    ]
    assert result.created == 1


def test_the_same_key_twice_in_one_file_keeps_the_first(union, tmp_path):
    result = run(union, write(tmp_path, "roster.csv", TARO, HANAKO, HANAKO.replace("花子", "華子")))

    assert [(r.line, r.reasons) for r in result.rejections] == [
        (4, ["3行目と同じ記号・番号・枝番の行です"])
    ]
    assert result.rejections[0].row["氏名"] == "山田 華子"
    assert person(union, "1001", "10001", "01").given_name == "花子"


def test_a_dependent_whose_household_has_no_insured_person_is_rejected(union, tmp_path):
    result = run(union, write(tmp_path, "roster.csv", HANAKO, KEN))

    assert [(r.line, r.reasons) for r in result.rejections] == [
        (2, ["世帯（記号・番号「1001・10001」）に被保険者がいません"])
    ]
    assert not Household.objects.filter(union=union, number="10001").exists()


def test_a_dependent_whose_only_insured_row_repeats_a_key_is_rejected(union, tmp_path):
    # The insured row is the dependent's key again: rejected as a duplicate, it leaves the
    # household without an insured person, on a first load as on a later one.
    insured_again = TARO.replace(",00,", ",01,")
    run(union, write(tmp_path, "other.csv", KEN))
    for fresh in (False, True):
        if fresh:
            Person.objects.all().delete()
            Household.objects.all().delete()
        result = run(union, write(tmp_path, "roster.csv", HANAKO, insured_again), force=True)

        assert [(r.line, r.reasons) for r in result.rejections] == [
            (2, ["世帯（記号・番号「1001・10001」）に被保険者がいません"]),
            (3, ["2行目と同じ記号・番号・枝番の行です"]),
        ]
        assert result.created == 0
        assert not Household.objects.filter(union=union, number="10001").exists()


def test_a_dependent_of_an_insured_person_already_loaded_is_accepted(union, tmp_path):
    run(union, write(tmp_path, "first.csv", TARO))

    result = run(union, write(tmp_path, "change.csv", HANAKO))

    assert (result.rejections, result.created) == ([], 1)


def test_two_insured_persons_in_one_household_are_rejected(union, tmp_path):
    second = "1001,10001,02,被保険者,本人,山田 次郎,ヤマダ ジロウ,1980-01-01,男,2015-04-01,,,"

    result = run(union, write(tmp_path, "roster.csv", TARO, second))

    assert [(r.line, r.reasons) for r in result.rejections] == [
        (3, ["2行目と同じ世帯（記号・番号）に被保険者がもう1人います"])
    ]


def test_a_repeated_key_is_not_counted_as_a_second_insured_person(union, tmp_path):
    # Line 3 repeats line 2's key (rejected for that alone); line 4 is the second insured
    # person next to line 2; line 6 repeats a dependent's key as an insured person, which
    # does not make line 7's insured person a second one.
    jiro = "1001,10001,02,被保険者,本人,山田 次郎,ヤマダ ジロウ,1980-01-01,男,2015-04-01,,,"
    misaki_insured = MISAKI.replace("被扶養者,子", "被保険者,本人")

    result = run(
        union, write(tmp_path, "roster.csv", TARO, TARO, jiro, MISAKI, misaki_insured, KEN)
    )

    assert [(r.line, r.reasons) for r in result.rejections] == [
        (3, ["2行目と同じ記号・番号・枝番の行です"]),
        (4, ["2行目と同じ世帯（記号・番号）に被保険者がもう1人います"]),
        (6, ["5行目と同じ記号・番号・枝番の行です"]),
    ]
    assert result.created == 3


def test_a_known_key_with_another_birth_date_is_rejected_not_overwritten(union, tmp_path):
    run(union, write(tmp_path, "first.csv", TARO))

    result = run(union, write(tmp_path, "change.csv", TARO.replace("1979-08-22", "1979-08-23")))

    assert [r.reasons for r in result.rejections] == [
        [
            "生年月日が登録済みの加入者と一致しません（登録済み: 1979-08-22）。"
            "記号・番号・枝番を確認してください"
        ]
    ]
    assert person(union, "1001", "10001", "00").birth_date == dt.date(1979, 8, 22)


def test_a_missing_column_refuses_the_file(union, tmp_path):
    path = write(tmp_path, "roster.csv", "1001", header="記号")

    with pytest.raises(CommandError, match="必須の列がありません: 番号、枝番"):
        call_command("import_persons", path, union=union.slug)
    assert not Person.objects.exists()


# --- 異動 -----------------------------------------------------------------------------------


@pytest.fixture
def loaded(union, tmp_path):
    run(union, write(tmp_path, "2026-11.csv", TARO, HANAKO, KEN, MISAKI))
    return union


def test_a_changed_address_updates_the_person_and_leaves_an_audit_row(loaded, tmp_path):
    moved_house = TARO.replace("東京都新宿区西新宿2-8-1", "東京都中野区中野4-1-1").replace(
        "160-0023", "164-0001"
    )

    result = run(loaded, write(tmp_path, "2026-12.csv", moved_house, HANAKO, KEN, MISAKI))

    assert (result.created, result.updated, result.unchanged) == (0, 1, 3)
    taro = person(loaded, "1001", "10001", "00")
    assert (taro.postal_code, taro.address) == ("164-0001", "東京都中野区中野4-1-1")
    change = PersonChange.objects.get(person=taro)
    assert change.kind == PersonChange.Kind.UPDATED
    assert change.changes == {
        "郵便番号": ["160-0023", "164-0001"],
        "住所": ["東京都新宿区西新宿2-8-1", "東京都中野区中野4-1-1"],
    }
    assert change.roster_import == result.batch


def test_disqualification_sets_the_date_with_its_audit_row(loaded, tmp_path):
    lost = KEN.replace(",2018-04-01,,", ",2018-04-01,2026-12-01,")

    result = run(loaded, write(tmp_path, "2026-12.csv", lost))

    assert (result.updated, result.disqualified) == (1, 1)
    ken = person(loaded, "1002", "10002", "00")
    assert ken.disqualified_on == dt.date(2026, 12, 1)
    change = PersonChange.objects.get(person=ken)
    assert change.kind == PersonChange.Kind.DISQUALIFIED
    assert change.changes == {"資格喪失日": [None, "2026-12-01"]}


def test_a_symbol_change_moves_the_person_with_history_and_account(loaded, tmp_path):
    from medical.models import Claim

    taro = person(loaded, "1001", "10001", "00")
    account = factories.UserFactory(person=taro)
    old_household = taro.household
    claim = Claim.objects.create(
        household=old_household,
        person=taro,
        service_month=dt.date(2026, 10, 1),
        provider_name="新宿クリニック",
        care_type="outpatient",
        days=1,
        total_cost=1000,
        insurer_paid=700,
        public_paid=0,
        patient_paid=300,
    )
    header = HEADER + ",旧記号,旧番号,旧枝番"
    transferred = TARO.replace("1001,10001,00", "2001,20001,00") + ",1001,10001,00"
    wife = HANAKO.replace("1001,10001,01", "2001,20001,01") + ",1001,10001,01"

    result = run(loaded, write(tmp_path, "transfer.csv", transferred, wife, header=header))

    assert (result.rejections, result.moved, result.created) == ([], 2, 0)
    taro.refresh_from_db()
    assert (taro.household.symbol, taro.household.number, taro.branch) == ("2001", "20001", "00")
    assert taro.account == account
    claim.refresh_from_db()
    assert claim.household_id == taro.household_id
    assert list(Claim.objects.visible_to(account)) == [claim]
    assert PersonChange.objects.get(person=taro, kind=PersonChange.Kind.MOVED).changes == {
        "記号": ["1001", "2001"],
        "番号": ["10001", "20001"],
        "枝番": ["00", "00"],
    }
    # The same file again: already where it says, nothing moves.
    again = run(
        loaded, write(tmp_path, "transfer.csv", transferred, wife, header=header), force=True
    )
    assert (again.moved, again.updated, again.unchanged) == (0, 0, 2)


def test_a_dependent_who_becomes_insured_keeps_one_account(loaded, tmp_path):
    misaki = person(loaded, "1002", "10002", "01")
    account = factories.UserFactory(person=misaki)
    header = HEADER + ",旧記号,旧番号,旧枝番"
    employed = (
        "3001,30001,00,被保険者,本人,佐藤 美咲,サトウ ミサキ,2010-01-10,2,2026-12-01,,,"
        ",1002,10002,01"
    )

    result = run(loaded, write(tmp_path, "shushoku.csv", employed, header=header))

    assert (result.rejections, result.moved, result.updated, result.created) == ([], 1, 1, 0)
    misaki.refresh_from_db()
    assert (misaki.role, misaki.relationship) == (Person.Role.INSURED, Person.Relationship.SELF)
    assert misaki.household.symbol == "3001"
    assert misaki.qualified_on == dt.date(2026, 12, 1)
    assert misaki.account == account
    assert Person.objects.filter(given_name="美咲").count() == 1
    updated = PersonChange.objects.get(person=misaki, kind=PersonChange.Kind.UPDATED)
    assert updated.changes["区分"] == ["dependent", "insured"]


def test_rerunning_the_same_file_changes_nothing(loaded, tmp_path):
    path = write(tmp_path, "2026-11.csv", TARO, HANAKO, KEN, MISAKI)
    before = list(Person.objects.order_by("pk").values())

    again = run(loaded, path)
    forced = run(loaded, path, force=True)

    assert again.already_imported
    assert (forced.created, forced.updated, forced.moved, forced.unchanged) == (0, 0, 0, 4)
    assert list(Person.objects.order_by("pk").values()) == before
    assert not PersonChange.objects.exists()


def test_persons_missing_from_a_full_roster_are_reported_and_marked_not_deleted(loaded, tmp_path):
    partial = write(tmp_path, "2026-12.csv", TARO, HANAKO)

    counted = run(loaded, partial)

    assert (counted.missing, counted.missing_listed) == (2, [])
    assert person(loaded, "1002", "10002", "00").review_requested_on is None
    full = run(loaded, partial, full=True, force=True)
    assert (full.missing, full.missing_listed) == (
        2,
        ["1002・10002・00 佐藤 健", "1002・10002・01 佐藤 美咲"],
    )
    ken = person(loaded, "1002", "10002", "00")
    assert ken.review_requested_on == TODAY
    assert PersonChange.objects.get(person=ken).kind == PersonChange.Kind.MISSING
    # Back in next month's roster: the mark goes, with its audit row.
    run(loaded, write(tmp_path, "2027-01.csv", TARO, HANAKO, KEN, MISAKI), full=True)
    ken.refresh_from_db()
    assert ken.review_requested_on is None
    assert PersonChange.objects.filter(person=ken).first().kind == PersonChange.Kind.REAPPEARED


def test_dry_run_counts_and_changes_nothing(union, tmp_path):
    result = run(union, write(tmp_path, "roster.csv", TARO, HANAKO), dry_run=True)

    assert result.created == 2
    assert not Person.objects.exists()
    assert not RosterImport.objects.exists()


def test_the_command_prints_the_summary_and_writes_the_report(union, tmp_path, capsys):
    path = write(tmp_path, "roster.csv", TARO, HANAKO.replace("妻", "いとこ"))
    report = tmp_path / "errors.csv"

    call_command("import_persons", path, union=union.slug, report=report)

    out = capsys.readouterr().out
    assert "加入者台帳「roster.csv」を取り込みました。文字コード: UTF-8" in out
    assert (
        "取り込み件数: 1件（新規 1人、更新 0人（うち資格喪失 0人）、"
        "記号・番号の変更 0人、変更なし 0人）" in out
    )
    assert "3行目: 続柄「いとこ」は不明です" in out
    assert (
        report.read_text(encoding="utf-8-sig").splitlines()[0].startswith('"行番号","理由","記号"')
    )


def test_the_old_row_of_a_person_who_moves_in_the_same_file_is_rejected(loaded, tmp_path):
    header = HEADER + ",旧記号,旧番号,旧枝番"
    transferred = TARO.replace("1001,10001,00", "2001,20001,00") + ",1001,10001,00"
    old_row = TARO.replace(",2015-04-01,,", ",2015-04-01,2026-12-01,") + ",,,"

    result = run(loaded, write(tmp_path, "transfer.csv", old_row, transferred, header=header))

    assert [(r.line, r.reasons) for r in result.rejections] == [
        (2, ["3行目で新しい記号・番号・枝番に移る加入者の旧い行です"])
    ]
    assert result.moved == 1
    assert person(loaded, "2001", "20001", "00").disqualified_on is None


def test_an_incomplete_old_key_is_rejected(loaded, tmp_path):
    header = HEADER + ",旧記号,旧番号,旧枝番"
    row = TARO.replace("1001,10001,00", "2001,20001,00") + ",1001,,00"

    result = run(loaded, write(tmp_path, "transfer.csv", row, header=header))

    assert [r.reasons for r in result.rejections] == [
        ["旧記号・旧番号・旧枝番は3つそろえて入力してください"]
    ]


def test_full_width_spaces_separate_family_and_given_names(union, tmp_path):
    row = TARO.replace("山田 太郎,ヤマダ タロウ", "山田\u3000太郎,ヤマダ\u3000\u3000タロウ")

    run(union, write(tmp_path, "roster.csv", row))

    taro = person(union, "1001", "10001", "00")
    assert (taro.family_name, taro.given_name, taro.given_name_kana) == ("山田", "太郎", "タロウ")


def test_the_quick_path_gives_the_full_checks_row_or_leaves_the_row_to_them():
    """Rows are parsed by a quick path (`_plain_row_parser`) when their values are plain and
    by the full checks otherwise: whenever the quick path gives a row, it is the full checks'
    row, and every row the full checks reject is left to them (for its reasons)."""
    import itertools

    from kosmo.models import Union
    from kosmo.roster import OLD_KEY, REQUIRED, _plain_row_parser, _row_parser

    header = [*REQUIRED, "保険者番号", "メールアドレス", *OLD_KEY]
    ix = {name: i for i, name in enumerate(header)}
    own = Union(insurer_number="06139992")
    quick, full = _plain_row_parser(own, ix, TODAY), _row_parser(own, ix, TODAY)
    plain = dict(zip(header, TARO.split(",") + ["06139992", "", "", "", ""], strict=True))
    variants = {
        "記号": ["", "123456789", " 1001 "],
        "番号": ["", "１０００１"],
        "枝番": ["0", "1", "99", "100", "a", "", "１"],
        "区分": ["被扶養者", "", "本人"],
        "続柄": ["妻", "", "x", "その他"],
        "氏名": ["山田\u3000太郎", "山田", "", "山田 \u3000", "あ" * 51 + " 太郎",
                 "山 " + "い" * 50],
        "カナ氏名": ["ヤマダ", "ヤマダ\u3000 タロウ"],
        "生年月日": ["19790822", "1979/8/22", "2026-12-05", "2026-12-06", "1899-12-31",
                     "1979-02-30", "x", ""],
        "性別": ["女", "1", "2", "3", ""],
        "資格取得日": ["", "1979-08-21", "1979-08-22", "2015-4-1", "2026-12-06"],
        "資格喪失日": ["2015-04-01", "2015-03-31", "bad", "2030-01-01"],
        "郵便番号": ["1600023", "", "160-002", "１６０-0023"],
        "住所": ["", "あ" * 200, "あ" * 201],
        "保険者番号": ["12345678", "06139991", "", "abc"],
        "メールアドレス": ["taro@example.com", "bad@", " taro@example.com ", EMAIL_254,
                           EMAIL_255],
        "旧記号": ["2001"],
    }  # fmt: skip
    quick_rows = 0
    for (one, values), (other, others) in itertools.product(variants.items(), repeat=2):
        for value, another in itertools.product(values, others):
            row = dict(plain, **{one: value, other: another})
            for fields in (
                [row[name] for name in header],
                [f" {row[name]}\u3000" for name in header],
            ):
                errors: list[str] = []
                expected = full(list(fields), errors)
                found = quick(7, list(fields))
                assert found is None or found == (7, *expected), (row, found, expected)
                quick_rows += found is not None
    assert quick_rows > 1000  # the quick path does take the plain rows


@pytest.mark.parametrize("seed", range(4))
def test_the_streamed_checks_across_rows_find_what_the_sql_finds(union, seed):
    """A file in 記号・番号 order is checked across rows as it streams in (`_KeyOrder`), any
    other file in SQL (`clashes_in_sql`): on the same rows, both find the same clashes
    (repeated keys, second insured rows, households without an insured row)."""
    import random

    from kosmo.roster import _Staging

    rng = random.Random(seed)
    keys = sorted((s, n) for s in ("1001", "1002", "1101") for n in ("1", "2", "10", "9"))
    rows = []
    for symbol, number in keys:
        for _ in range(rng.choice([0, 1, 2, 3, 4, 5])):
            role = rng.choice(["insured", "dependent", "dependent"])
            rows.append((symbol, number, rng.choice(["00", "01", "02"]), role))
    staged = [
        (line, symbol, number, branch, role, "self" if role == "insured" else "child",
         "山田", "太郎", "ヤマダ", "タロウ", "M", dt.date(1980, 1, 1), dt.date(2015, 4, 1),
         None, "", "", "", None, None, None)
        for line, (symbol, number, branch, role) in enumerate(rows, start=2)
    ]  # fmt: skip
    staging = _Staging(union)
    staging.load(staged)

    assert staging.order.ordered
    found = {
        orphans: sorted(staging.order.clashes + (staging.order.orphans if orphans else []))
        for orphans in (False, True)
    }
    for orphans in (False, True):
        staging.orphans_checked = orphans
        assert sorted(staging.clashes_in_sql()) == found[orphans]
    assert found[True] != found[False] and len(found[False]) > 3  # there was something to find
    staging.drop()


def test_a_file_out_of_key_order_is_checked_across_rows_all_the_same(union, tmp_path):
    # KEN's household between TARO's rows: the checks run in SQL, with the same reasons.
    jiro = "1001,10001,02,被保険者,本人,山田 次郎,ヤマダ ジロウ,1980-01-01,男,2015-04-01,,,"
    orphan = MISAKI.replace("1002,10002", "1003,10003")

    result = run(union, write(tmp_path, "roster.csv", TARO, KEN, HANAKO, orphan, TARO, jiro))

    assert [(r.line, r.reasons) for r in result.rejections] == [
        (5, ["世帯（記号・番号「1003・10003」）に被保険者がいません"]),
        (6, ["2行目と同じ記号・番号・枝番の行です"]),
        (7, ["2行目と同じ世帯（記号・番号）に被保険者がもう1人います"]),
    ]
    assert result.created == 3
    assert list(
        Household.objects.filter(union=union).order_by("pk").values_list("number", flat=True)
    ) == ["10001", "10002"]  # in the order of their first rows


def _roster_rows(rng, *, old_key_at=None):
    """Random roster rows in 記号・番号 order: households of 0–4 rows with repeated keys,
    second insured rows, households without an insured row, bad values, and 記号 with the
    characters COPY escapes."""
    rows = []
    symbols = ["1001", "1002", "10\\2", "10\t3", "2001"]
    for symbol in sorted(symbols):
        for number in ("00001", "00002", "00010"):
            for _ in range(rng.choice([0, 1, 2, 2, 2, 3, 4])):
                insured = rng.random() < 0.45
                branch = rng.choice(["00", "01", "02", "1"])
                birth = rng.choice(["1980-01-01", "1980/2/3", "19800101", "2030-01-01"])
                rows.append(
                    [f'"{symbol}"', number, branch,
                     "被保険者" if insured else "被扶養者", "本人" if insured else "子",
                     rng.choice(["山田 太郎", "山田\u3000花子", "山田"]), "ヤマダ タロウ", birth,
                     rng.choice(["男", "女", "2"]), "2015-04-01", "",
                     rng.choice(["160-0023", ""]), "東京都新宿区西新宿2-8-1", "", "", "", ""]
                )  # fmt: skip
    if old_key_at is not None:  # a valid row, so that it reaches the tables
        rows[old_key_at][5:9] = ["山田 太郎", "ヤマダ タロウ", "1980-01-01", "男"]
        rows[old_key_at][-3:] = ["1001", "00099", "00"]
    return [",".join(row) for row in rows]


@pytest.mark.parametrize("kind", ["ordered", "out of order", "with an old key"])
@pytest.mark.parametrize("seed", range(3))
def test_a_first_load_straight_into_the_tables_gives_what_staging_gives(
    kind, seed, tmp_path, monkeypatch
):
    """On PostgreSQL a first load of a file in 記号・番号 order goes straight into the tables
    (`_first_load`); a file out of order or naming an old key is read again through staging.
    Either way: the same persons, households (in the same order), counts and rejections as
    through staging alone."""
    import random

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    import kosmo.roster
    from kosmo.insurer_numbers import check_digit
    from tests.conftest import require

    require(connection.vendor == "postgresql", "the straight first load needs PostgreSQL")
    rng = random.Random(seed)
    rows = _roster_rows(rng, old_key_at=7 if kind == "with an old key" else None)
    if kind == "out of order":
        rows.reverse()
    header = f"{HEADER},メールアドレス,旧記号,旧番号,旧枝番"
    path = write(tmp_path, "roster.csv", *rows, header=header)

    def load(union, straight):
        monkeypatch.setattr(kosmo.roster, "FIRST_LOAD_WITHOUT_STAGING", straight)
        with CaptureQueriesContext(connection) as queries:
            result = run(union, path, full=True)
        persons = Person.objects.filter(household__union=union).order_by(
            "household__symbol", "household__number", "branch"
        )
        return (
            [(r.line, r.reasons) for r in result.rejections],
            (result.rows_total, result.created, result.updated, result.missing),
            list(
                Household.objects.filter(union=union)
                .order_by("pk")
                .values_list("symbol", "number")
            ),
            list(persons.values_list("household__symbol", "household__number", "branch",
                                     "role", "relationship", "given_name", "birth_date",
                                     "sex", "postal_code")),
            " ".join(query["sql"] for query in queries.captured_queries),
        )  # fmt: skip

    straight = load(factories.UnionFactory(insurer_number="06139992", slug="a"), True)
    other = f"0613998{check_digit('0613998')}"
    staged = load(factories.UnionFactory(insurer_number=other, slug="b"), False)

    assert straight[:4] == staged[:4]
    assert straight[0] and straight[3]  # rows were rejected and persons made
    assert "pg_get_serial_sequence" in straight[4] and "pg_get_serial_sequence" not in staged[4]
    assert ("roster_staging" in straight[4]) == (kind != "ordered")
    if kind == "ordered":
        assert any("\\" in symbol for symbol, _number in straight[2])
