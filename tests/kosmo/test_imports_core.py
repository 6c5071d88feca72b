"""The shared CSV-import toolkit: telling the encodings apart, reading records with their line
numbers, and finding a union's persons by 記号・番号・枝番."""

import hashlib
import io

import pytest

from kosmo.imports import (
    CHUNK,
    ENCODING_REFUSED,
    NO_HEADER,
    ImportRefused,
    Records,
    detect_encoding,
    person_lookup,
)

TEXT = "記号,番号,枝番,医療機関名\r\n1001,00042,00,髙島屋ｸﾘﾆｯｸ\r\n"


def test_utf8_is_detected_and_hashed():
    data = TEXT.encode("utf-8")

    assert detect_encoding(io.BytesIO(data)) == ("UTF-8", hashlib.sha256(data).hexdigest())


def test_utf8_with_a_bom_is_labelled_as_such():
    label, _ = detect_encoding(io.BytesIO(TEXT.encode("utf-8-sig")))

    assert label == "UTF-8 (BOM付き)"


def test_shift_jis_from_excel_is_cp932():
    label, _ = detect_encoding(io.BytesIO(TEXT.encode("cp932")))

    assert label == "Shift_JIS (CP932)"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-16"),
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "記号,番号\n".encode("euc-jp") + b"\xfd\xfe",
    ],
    ids=["utf-16", "binary", "euc-jp"],
)
def test_an_undecodable_file_is_refused(data):
    with pytest.raises(ImportRefused) as refused:
        detect_encoding(io.BytesIO(data))

    assert refused.value.message == ENCODING_REFUSED


@pytest.mark.parametrize(
    ("control", "where"),
    [
        ("\x00", 5_000),
        ("\x85", CHUNK + 3),  # in the second chunk
        ("\x85", CHUNK - 1),  # its two bytes across the chunks: C2 | 85
        ("\x9f", CHUNK - 1),
    ],
    ids=["nul", "c1-second-chunk", "c1-across-chunks", "c1-last-across-chunks"],
)
def test_a_control_character_anywhere_in_a_large_file_refuses_it(control, where):
    # Read in chunks of CHUNK bytes: a chunk is searched for NUL and C1 controls only where
    # its bytes can hold them, including one whose first byte ended the chunk before.
    line = "1001,00042,00,髙島屋ｸﾘﾆｯｸ\r\n".encode()
    filler = line * (where // len(line))
    filler += b"x" * (where - len(filler))  # to the byte, between whole characters
    data = filler + control.encode() + filler

    assert data.find(control.encode()) == where
    with pytest.raises(ImportRefused):
        detect_encoding(io.BytesIO(data))
    label, _ = detect_encoding(io.BytesIO(filler + "¥".encode() + filler))
    assert label == "UTF-8"  # ¥ is C2 A5: text


def test_records_start_at_their_first_line_and_blank_rows_are_skipped():
    data = io.BytesIO('記号,備考\r\n1001,"二行の\r\n備考"\r\n\r\n,\r\n1002,x\r\n'.encode("cp932"))

    records = Records(data, "Shift_JIS (CP932)", ("記号",))

    assert records.header == ["記号", "備考"]
    assert list(records) == [(2, ["1001", "二行の\r\n備考"]), (6, ["1002", "x"])]
    records.close()
    assert not data.closed


def test_a_file_without_a_header_is_refused():
    with pytest.raises(ImportRefused, match=NO_HEADER):
        Records(io.BytesIO(b""), "UTF-8", ("記号",))


def test_a_column_named_twice_is_refused():
    with pytest.raises(ImportRefused, match="列名が重複しています: 記号"):
        Records(io.BytesIO("記号,番号,記号\n".encode()), "UTF-8", ())


def test_person_lookup_finds_the_person_and_reads_branch_1_as_01(union, insured, dependent):
    lookup = person_lookup(union)
    household = insured.person.household
    errors: list[str] = []

    found = lookup(f" {household.symbol} ", household.number, "1", errors)

    assert found == (dependent.person.pk, household.pk)
    assert errors == []


def test_person_lookup_gives_every_reason(union):
    lookup = person_lookup(union)
    errors: list[str] = []

    assert lookup("", "123456789", "001", errors) is None
    assert errors == [
        "記号が空欄です",
        "番号が長すぎます（8文字まで）",
        "枝番「001」は2桁までの数字です",
    ]


def test_person_lookup_does_not_see_another_union(union, other_union_member):
    household = other_union_member.person.household
    errors: list[str] = []

    assert person_lookup(union)(household.symbol, household.number, "00", errors) is None
    assert errors == [
        f"記号・番号・枝番「{household.symbol}・{household.number}・00」の加入者が"
        "この健康保険組合にいません"
    ]
