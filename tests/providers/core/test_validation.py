import pytest

from providers.core.errors import InvalidInputError
from providers.core.models import ImagineRequest, ProviderLimits
from providers.core.validation import (
    nearest_size,
    parse_aspect_ratio,
    size_for_ratio,
    validate_imagine_request,
)

LIMITS = ProviderLimits(
    prompt_max_chars=10, min_size=64, max_size=2048, seed_min=-1, seed_max=100, max_count=4,
    supports_negative_prompt=False,
)


@pytest.mark.parametrize(("text", "ratio"), [("16:9", (16, 9)), (" 2 x 3 ", (2, 3)), ("1×1", (1, 1))])
def test_aspect_ratio_parses(text, ratio) -> None:
    assert parse_aspect_ratio(text) == ratio


@pytest.mark.parametrize("text", ["wide", "16:0", "1:5", "10:1", "16/9", ""])
def test_aspect_ratio_refuses_with_a_reason(text) -> None:
    with pytest.raises(InvalidInputError) as info:
        parse_aspect_ratio(text)
    assert info.value.field == "aspect_ratio"
    assert info.value.user_message


def test_nearest_size_picks_the_closest_shape() -> None:
    sizes = ((1024, 1024), (1024, 1536), (1536, 1024))
    assert nearest_size((16, 9), sizes) == (1536, 1024)
    assert nearest_size((9, 16), sizes) == (1024, 1536)
    assert nearest_size((5, 4), sizes) == (1024, 1024)


def test_size_for_ratio_rounds_to_the_step() -> None:
    assert size_for_ratio((16, 9), long_side=1024) == (1024, 576)
    assert size_for_ratio((2, 3), long_side=1024) == (704, 1024)
    assert size_for_ratio((1, 1), long_side=512) == (512, 512)


@pytest.mark.parametrize(
    ("request_kwargs", "field", "fragment"),
    [
        ({"prompt": "   "}, "prompt", "empty"),
        ({"prompt": "x" * 11}, "prompt", "at most 10"),
        ({"prompt": "cat", "negative_prompt": "dog"}, "negative_prompt", "negative"),
        ({"prompt": "cat", "seed": 101}, "seed", "-1 to 100"),
        ({"prompt": "cat", "width": 4000}, "width", "64 to 2048"),
        ({"prompt": "cat", "count": 5}, "count", "between 1 and 4"),
        ({"prompt": "cat", "aspect_ratio": "9:1"}, "aspect_ratio", "extreme"),
    ],
)
def test_imagine_validation_names_the_problem(request_kwargs, field, fragment) -> None:
    with pytest.raises(InvalidInputError) as info:
        validate_imagine_request(ImagineRequest(**request_kwargs), LIMITS, "Svc")
    assert info.value.field == field
    assert fragment in info.value.user_message


def test_styles_are_checked_and_listed() -> None:
    limits = ProviderLimits(prompt_max_chars=100, styles=("oil", "ink"))
    validate_imagine_request(ImagineRequest(prompt="cat", model="ink"), limits, "Svc")
    with pytest.raises(InvalidInputError, match="oil, ink"):
        validate_imagine_request(ImagineRequest(prompt="cat", model="clay"), limits, "Svc")


def test_fixed_sizes_are_listed() -> None:
    limits = ProviderLimits(prompt_max_chars=100, sizes=((1024, 1024), (1024, 1536)))
    with pytest.raises(InvalidInputError, match="1024×1536"):
        validate_imagine_request(ImagineRequest(prompt="cat", width=800), limits, "Svc")


def test_seed_refused_where_the_service_has_none() -> None:
    limits = ProviderLimits(prompt_max_chars=100)
    with pytest.raises(InvalidInputError, match="seed"):
        validate_imagine_request(ImagineRequest(prompt="cat", seed=3), limits, "Svc")
