import pytest

from lionrock.immigration.enforcement.hkid import (
    DocumentNumberError,
    hkid_check_character,
    hkid_parse,
    icao_check_digit,
    travel_document_number_check,
)

SPECIMEN_LINE_2 = "L898902C36UTO7408122F1204159ZE184226B<<<<<10"


@pytest.mark.parametrize(
    ("prefix", "digits", "check"),
    [("A", "123456", "3"), ("CA", "182361", "1"), ("G", "123456", "A")],
)
def test_the_published_identity_card_vectors_have_their_check_characters(prefix, digits, check):
    assert hkid_check_character(prefix, digits) == check


def test_two_letter_numbers_value_a_as_ten_not_one():
    # Valuing A as 1 gives the same answer for one-letter numbers and a different one here.
    assert hkid_check_character("CA", "182361") == "1"
    assert hkid_parse("CA182361(1)").formatted == "CA182361(1)"


FULL_WIDTH = "\uff21\uff11\uff12\uff13\uff14\uff15\uff16\uff08\uff13\uff09"  # what a Chinese keyboard types


@pytest.mark.parametrize(
    "typed", ["A123456(3)", "a123456(3)", "A1234563", " A 123456 (3) ", FULL_WIDTH, "A123456[3]"]
)
def test_an_identity_card_number_is_read_however_it_is_typed(typed):
    assert hkid_parse(typed).formatted == "A123456(3)"


def test_a_check_character_of_ten_is_written_a():
    assert hkid_parse("g123456a").formatted == "G123456(A)"


def test_a_wrong_check_character_is_refused_as_such():
    with pytest.raises(DocumentNumberError) as caught:
        hkid_parse("A123456(4)")
    assert caught.value.code == "check"


@pytest.mark.parametrize(
    "typed",
    ["", "123456(3)", "ABC123456(3)", "A12345(3)", "A1234567(3)", "A123456(B)", "<script>", "A123456(3)X"],
)
def test_malformed_identity_card_numbers_are_refused_as_malformed(typed):
    with pytest.raises(DocumentNumberError) as caught:
        hkid_parse(typed)
    assert caught.value.code == "format"


@pytest.mark.parametrize(("field", "digit"), [("520727", 3), ("AB2134<<<", 5)])
def test_the_icao_check_digit_matches_the_published_vectors(field, digit):
    assert icao_check_digit(field) == digit


def test_every_check_digit_of_the_icao_specimen_passport_zone_is_reproduced():
    line = SPECIMEN_LINE_2
    assert icao_check_digit(line[0:9]) == int(line[9]) == 6
    assert icao_check_digit(line[13:19]) == int(line[19]) == 2
    assert icao_check_digit(line[21:27]) == int(line[27]) == 9
    assert icao_check_digit(line[28:42]) == int(line[42]) == 1
    composite = line[0:10] + line[13:20] + line[21:43]
    assert icao_check_digit(composite) == int(line[43]) == 0


def test_a_travel_document_number_is_checked_against_its_zone_digit():
    assert travel_document_number_check("l898902c3", "6") == "L898902C3"
    with pytest.raises(DocumentNumberError) as caught:
        travel_document_number_check("L898902C3", "5")
    assert caught.value.code == "check"


def test_a_short_travel_document_number_is_padded_with_fillers_before_checking():
    assert travel_document_number_check("AB2134", "5") == "AB2134"


@pytest.mark.parametrize("typed", ["", "AB", "L898902C3!", "護照12345", "A" * 21])
def test_malformed_travel_document_numbers_are_refused(typed):
    with pytest.raises(DocumentNumberError):
        travel_document_number_check(typed)


def test_characters_outside_the_zone_alphabet_are_refused_by_the_check_digit():
    with pytest.raises(DocumentNumberError) as caught:
        icao_check_digit("ab12")
    assert caught.value.code == "characters"
