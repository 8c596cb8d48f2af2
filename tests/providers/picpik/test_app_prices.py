"""Bundle prices: fen to yuan, readable whatever Picpik sends (numbers too), and never longer than a price is."""

from __future__ import annotations

from decimal import Decimal

import pytest

from providers.picpik.app_models import MAX_PRICE_DIGITS, ListBundlesResponse, fen_to_yuan, format_yuan


@pytest.mark.parametrize(
    ("fen", "shown"),
    [
        ("199", "¥1.99"),
        (199, "¥1.99"),
        ("9.99", "¥0.0999"),  # fen fractions keep their digits
        (" 450 ", "¥4.50"),
        ("999999999999", "¥9999999999.99"),  # twelve digits: still a price
        ("9999999999999", "?"),  # thirteen: garbled
        ("1e2000", "?"),
        ("1" * 40, "?"),
        ("12345.123456789", "?"),  # more decimals than a price has
        ("0", "¥0.00"),  # free
        ("-0", "¥0.00"),  # zero with a sign is still zero, not "¥-0.00"
        ("-0.0", "¥0.00"),
        ("0e5", "¥0.00"),
        ("-100", "?"),
        ("-0.5", "?"),
        ("NaN", "?"),
        ("Infinity", "?"),
        ("nine", "?"),
        (None, "?"),
        (True, "?"),
    ],
)
def test_a_price_in_fen_is_shown_in_yuan_or_as_unknown(fen: object, shown: str) -> None:
    assert format_yuan(fen) == shown  # type: ignore[arg-type]
    assert len(shown) <= MAX_PRICE_DIGITS + 2  # "¥", the point


def test_fen_to_yuan_gives_the_value_or_none() -> None:
    assert fen_to_yuan("199") == Decimal("1.99")
    assert fen_to_yuan("-1") is None and fen_to_yuan("1e2000") is None


def test_a_bundle_list_with_prices_sent_as_numbers_or_garbage_is_read() -> None:
    listed = ListBundlesResponse.model_validate(
        {
            "RetCode": 0,
            "Action": "ListPicpikBundlesResponse",
            "Bundles": [
                {"BundleId": "numbers", "ActualHourPrice": 199, "OriginalHourPrice": 299.0},
                {"BundleId": "garbage", "ActualHourPrice": {"fen": 1}, "OriginalHourPrice": False},
            ],
            "TotalCount": 2,
        }
    )
    numbers, garbage = listed.Bundles
    assert (numbers.ActualHourPrice, numbers.hourly_price, numbers.original_hourly_price) == ("199", "¥1.99", "¥2.99")
    assert (garbage.ActualHourPrice, garbage.hourly_price, garbage.OriginalHourPrice) == (None, "?", None)
