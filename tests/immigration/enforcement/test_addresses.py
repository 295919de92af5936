import pytest

from lionrock.immigration.enforcement.addresses import address_normalise, business_name_normalise


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Flat 3, 12/F, Wing On Bldg., 12 Nathan Road", "flat 3 12f wing on building 12 nathan rd"),
        ("G/F, 8 Shanghai Street, Kowloon", "g/f 8 shanghai st kowloon"),
        ("九龍彌敦道12號 永安大廈12樓", "九龍彌敦道12號永安大廈12樓"),
        ("ＦＬＡＴ　３ 12/F Wing On Bldg", "flat 3 12 floor wing on building"),  # noqa: RUF001 full-width on purpose
    ],
)
def test_the_same_address_written_differently_normalises_the_same(one, other):
    assert address_normalise(one) == address_normalise(other)


def test_different_addresses_stay_different():
    assert address_normalise("12 Nathan Road") != address_normalise("14 Nathan Road")


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Golden Dragon Co. Ltd", "GOLDEN DRAGON COMPANY LIMITED"),
        ("金龍有限公司", "金龍公司"),
        ("The Golden Dragon (HK) Limited", "golden dragon"),
    ],
)
def test_the_same_business_written_differently_normalises_the_same(one, other):
    assert business_name_normalise(one) == business_name_normalise(other)
