"""/imagine's whole input path over generated input, as the command runs it: ``parse_prompt`` →
``to_imagine_request`` with the command's own options → the chosen service's ``validate_imagine``. Whatever a
member types, the answer is a request or a polite ``InvalidInputError``, never another exception.
(The parser alone, and its round trip, are covered in ``test_parameters_properties.py``.)"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.prompting import KNOWN_PARAMETERS, PromptParameterError, parse_prompt, render_prompt, to_imagine_request
from providers.core.errors import InvalidInputError
from providers.registry import PROVIDERS
from tests.providers.core.test_validation_properties import configured

BOUNDED = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_parameter = st.builds(
    "{} {}".format,
    st.sampled_from([*KNOWN_PARAMETERS, "—ar", "--AR", "--x", "-seed"]),
    st.sampled_from(["16:9", "2:3", "0:1", "42", "-1", "99999999999999999999", "1.5", "raw", "猫", ""]),
)
prompts = st.one_of(
    st.text(max_size=80),
    st.lists(st.one_of(st.sampled_from(["a red fox", "in snow", "猫"]), _parameter), max_size=6).map(" ".join),
)
aspects = st.none() | st.text(max_size=10) | st.builds("{}:{}".format, st.integers(-5, 10**6), st.integers(-5, 10**6))
# what Discord lets through for an integer option, and far beyond
seeds = st.none() | st.integers(-(2**53), 2**53) | st.integers(-(2**70), 2**70)
texts = st.none() | st.text(max_size=40)
sizes = st.none() | st.integers(-(2**33), 2**33)


@pytest.mark.parametrize("service", sorted(PROVIDERS))
@BOUNDED
@given(prompt=prompts, negative=texts, aspect=aspects, seed=seeds, model=texts, width=sizes, height=sizes)
def test_imagine_input_becomes_a_request_or_a_polite_refusal(
    service: str, prompt: str, negative: str | None, aspect: str | None, seed: int | None, model: str | None,
    width: int | None, height: int | None,
) -> None:
    provider = configured(service)
    try:
        request = to_imagine_request(
            parse_prompt(prompt), negative=negative, aspect_ratio=aspect, seed=seed, model=model, width=width,
            height=height, service=provider.display_name,
        )
        provider.validate_imagine(request)
    except InvalidInputError as error:  # PromptParameterError is one too
        refusal = error.user_message
    else:
        refusal = None
    assert refusal is None or refusal.strip()


@BOUNDED
@given(prompts)
def test_a_parsed_prompt_renders_back_to_itself(prompt: str) -> None:
    try:
        parsed = parse_prompt(prompt)
    except PromptParameterError:
        return
    assert parse_prompt(render_prompt(parsed)) == parsed
