"""The signature rules of the Picpik documents, one test per rule, and the published vectors."""

from __future__ import annotations

import hashlib
import math

import pytest

from providers.picpik.signing import (
    encode_value,
    platform_signature,
    service_signature,
    signing_string,
)


def test_published_platform_vector_list_models() -> None:
    params = {"Action": "ListModels", "PublicKey": "abcdefg"}
    assert platform_signature(params, "123456") == "4a20bc1141494035f6aaaad13224c94c5a8bc3a5"


def test_published_platform_vector_start_app() -> None:
    params = {"Action": "StartPicpikApp", "PublicKey": "abcdefg", "AppId": "your_app_id"}
    assert platform_signature(params, "123456") == "c5e65ad1936ff695436917bf807d2281db33e7a3"


SERVICE_EXAMPLE = {
    "prompt": "这是生成图片所需的提示词。",
    "width": 512,
    "height": 512,
    "refImage": "如果是图生图，此处填原图的base64字符串",
}


def test_published_service_vector_is_sha1() -> None:
    assert service_signature(SERVICE_EXAMPLE, "ABCDEFG") == "bb4c607024f6eeb6198d070b658b2a9270fd468d"


def test_the_old_md5_rule_gave_the_documented_contrast_and_is_not_what_is_sent() -> None:
    # before March 2025 the Service API hashed the same string with MD5; PROVIDERS.md records its result as contrast
    old = hashlib.md5(signing_string(SERVICE_EXAMPLE, "ABCDEFG", max_string_chars=128).encode()).hexdigest()
    assert old == "f082f8b52582dda6c0e976a39d2196b2"
    assert service_signature(SERVICE_EXAMPLE, "ABCDEFG") != old


def test_signature_field_is_left_out_whatever_its_value() -> None:
    params = {"Action": "ListModels", "PublicKey": "abcdefg"}
    signed = {**params, "Signature": "anything"}
    assert platform_signature(signed, "123456") == platform_signature(params, "123456")
    assert service_signature({**params, "signature": "x"}, "k") == service_signature(params, "k")


def test_names_sorted_by_byte_order_then_secret_appended() -> None:
    # upper-case letters sort before lower-case ones in byte order
    assert signing_string({"b": 1, "B": 2, "a": 3}, "KEY") == "B2a3b1KEY"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, "true"),
        (False, "false"),
        (42, "42"),
        (-1, "-1"),
        (42.0, "42"),
        (-3.0, "-3"),
        (0.5, "0.5"),
        (0.01, "0.01"),
        (1e-7, "0.0000001"),
        (-2.5e-5, "-0.000025"),
        (1e21, "1000000000000000000000"),
        (None, ""),
        ("", ""),
        ("一只猫", "一只猫"),
    ],
)
def test_encode_scalars(value: object, expected: str) -> None:
    assert encode_value(value) == expected


def test_encode_never_uses_scientific_notation() -> None:
    for exponent in range(-20, 25):
        text = encode_value(1.5 * 10.0**exponent)
        assert "e" not in text.lower()
        assert math.isclose(float(text), 1.5 * 10.0**exponent)


def test_arrays_are_concatenated_without_index_or_separator() -> None:
    assert encode_value(["a", "b", 1, True, None, 2.0]) == "ab1true2"
    # not UCloud's Key.0 / Key.1 flattening
    assert signing_string({"TaskUIDList": ["u1", "u2"]}, "") == "TaskUIDListu1u2"


def test_maps_are_sorted_recursively() -> None:
    value = {"b": {"z": 1, "a": [{"y": False, "x": 0.5}]}, "a": ""}
    assert encode_value(value) == "abax0.5yfalsez1"


def test_nested_model_in_request() -> None:
    params = {"MainModel": {"ModelCode": "PICPIK General", "IsOfficial": True}, "Seed": -1}
    assert signing_string(params, "k") == "MainModelIsOfficialtrueModelCodePICPIK GeneralSeed-1k"


def test_platform_signature_is_lower_hex_sha1_of_the_string() -> None:
    params = {"Width": 512.0, "Tileable": False}
    expected = hashlib.sha1(b"TileablefalseWidth512secret").hexdigest()
    assert platform_signature(params, "secret") == expected


def test_service_cuts_strings_to_128_characters_not_bytes() -> None:
    long_text = "猫" * 200  # 600 bytes in UTF-8
    cut = "猫" * 128
    expected = hashlib.sha1(f"prompt{cut}KEY".encode()).hexdigest()
    assert service_signature({"prompt": long_text}, "KEY") == expected
    # nested strings are cut too
    expected_nested = hashlib.sha1(f"images{cut}KEY".encode()).hexdigest()
    assert service_signature({"images": [long_text]}, "KEY") == expected_nested


def test_platform_does_not_cut_strings() -> None:
    long_text = "a" * 300
    expected = hashlib.sha1(f"Remark{long_text}KEY".encode()).hexdigest()
    assert platform_signature({"Remark": long_text}, "KEY") == expected


def test_unsignable_values_are_refused() -> None:
    with pytest.raises(ValueError, match="NaN"):
        encode_value(float("nan"))
    with pytest.raises(TypeError):
        encode_value(object())
