"""Refusals in the member's language: every message key raised anywhere has a catalog text that its values fill,
the catalog's English is the error's own ``user_message``, and ``error_text`` picks the language."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.i18n.catalog import DEFAULT_LOCALE, ZH_CN, load_catalog, placeholders
from bot.i18n.errors import KEY_PREFIX, error_text
from bot.prompting import parse_prompt, to_imagine_request
from bot.prompting.parameters import _LABELS
from providers.core.base import Provider
from providers.core.errors import InvalidInputError, ProviderError, ServerError
from providers.core.models import ImagineRequest, ProviderLimits
from providers.core.validation import parse_aspect_ratio, validate_imagine_request
from providers.jumdata import params as jumdata_params
from providers.jumdata.provider import JumdataProvider
from providers.midjourney import prompting as midjourney_prompting
from providers.midjourney.provider import MidjourneyProvider
from providers.ngpu import request as ngpu_request
from providers.ngpu.provider import NgpuProvider
from providers.picpik import mapping as picpik_mapping
from providers.picpik.generation_rules import check_generate_request
from providers.picpik.models import (
    ControlModelSpec,
    ControlNetSpec,
    GenerateImagesRequest,
    InferenceParameters,
    PicpikModel,
)
from providers.picpik.provider import PicpikProvider

ROOT = Path(__file__).resolve().parents[3]
#: the layers that raise keyed errors (the bot's own feature texts are keyed through ``t()`` instead)
SCANNED = [*sorted((ROOT / "providers").rglob("*.py")), *sorted((ROOT / "bot" / "prompting").rglob("*.py"))]
LIMITS = ProviderLimits(
    prompt_max_chars=10, min_size=64, max_size=2048, seed_min=-1, seed_max=100, max_count=4, styles=("oil", "ink")
)
FIXED_SIZES = ProviderLimits(prompt_max_chars=100, sizes=((1024, 1024), (1024, 1536)))
NO_SEED = ProviderLimits(prompt_max_chars=100)


def english() -> dict[str, str]:
    return dict(load_catalog().texts[DEFAULT_LOCALE])


def chinese() -> dict[str, str]:
    return dict(load_catalog().texts[ZH_CN])


# --- every key raised in the source ---------------------------------------------------------------------------


def _literal_keys(node: ast.expr) -> list[str]:
    """The message keys an expression names: a string, or either branch of ``a if … else b``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _literal_keys(node.body) + _literal_keys(node.orelse)
    return []  # a key passed through (``key=key``) is checked where it is written


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def keyed_calls() -> Iterator[tuple[str, str, ast.Call]]:
    """(where, key, call) for every call in the raising layers that names a message key literally."""
    for path in SCANNED:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            for keyword in node.keywords:
                if keyword.arg == "key":
                    for key in _literal_keys(keyword.value):
                        yield f"{path.relative_to(ROOT)}:{node.lineno}", key, node


def test_the_scan_sees_the_raising_layers() -> None:
    places = {where.split(":")[0] for where, _, _ in keyed_calls()}
    assert len(list(keyed_calls())) > 60
    assert {"providers/core/validation.py", "bot/prompting/parameters.py", "providers/picpik/mapping.py"} <= places


def test_every_key_raised_has_an_english_and_a_chinese_text() -> None:
    missing = sorted(
        f"{where}: {key}" for where, key, _ in keyed_calls()
        if f"{KEY_PREFIX}{key}" not in english() or f"{KEY_PREFIX}{key}" not in chinese()
    )
    assert missing == []


def test_the_values_written_at_each_raise_fill_the_text() -> None:
    unfilled = []
    for where, key, call in keyed_calls():
        text = english().get(f"{KEY_PREFIX}{key}", "")
        values = next((k.value for k in call.keywords if k.arg == "values"), None)
        if isinstance(values, ast.Dict):
            given = {k.value for k in values.keys if isinstance(k, ast.Constant)}
            spread = any(k is None for k in values.keys)  # ``**more`` may add the rest
            if not spread and not placeholders(text) <= given:
                unfilled.append(f"{where}: {key} lacks {sorted(placeholders(text) - given)}")
        elif values is None and _callee(call).endswith("Error") and placeholders(text):
            unfilled.append(f"{where}: {key} has fields {sorted(placeholders(text))} but no values")
    assert unfilled == []


# --- the real validation functions, in both languages -------------------------------------------------------


def _unconfigured(cls: type[Provider]) -> Provider:
    # validate_imagine reads only class data (limits, display name) for these services: no session needed
    return object.__new__(cls)


def _imagine(prompt: str, **fields: object) -> Callable[[], object]:
    return lambda: to_imagine_request(parse_prompt(prompt), service="Picpik", **fields)  # type: ignore[arg-type]


def _controlnets(count: int, **params: float) -> list[ControlNetSpec]:
    model = ControlModelSpec(ModelCode="canny", InferenceParams=InferenceParameters(**params))
    return [ControlNetSpec(ImageIndex=0, ControlModel=model) for _ in range(count)]


def _generate(**fields: object) -> Callable[[], None]:
    base: dict[str, object] = {"MainModel": PicpikModel(ModelCode="sdxl"), "PositivePrompts": ["a fox"]}
    return lambda: check_generate_request(GenerateImagesRequest(**{**base, **fields}))  # type: ignore[arg-type]


CASES: dict[str, Callable[[], object]] = {
    # the shared checks
    "not_an_aspect_ratio": lambda: parse_aspect_ratio("wide"),
    "aspect_ratio_zero": lambda: parse_aspect_ratio("16:0"),
    "aspect_ratio_extreme": lambda: parse_aspect_ratio("10:1"),
    "prompt_empty": lambda: validate_imagine_request(ImagineRequest(prompt="  "), LIMITS, "Svc"),
    "prompt_too_long": lambda: validate_imagine_request(ImagineRequest(prompt="a" * 11), LIMITS, "Svc"),
    "negative_prompt_unsupported": lambda: validate_imagine_request(
        ImagineRequest(prompt="fox", negative_prompt="text"), LIMITS, "Svc"
    ),
    "seed_out_of_range": lambda: validate_imagine_request(ImagineRequest(prompt="fox", seed=101), LIMITS, "Svc"),
    "seed_unsupported": lambda: validate_imagine_request(ImagineRequest(prompt="fox", seed=1), NO_SEED, "Svc"),
    "width_out_of_range": lambda: validate_imagine_request(ImagineRequest(prompt="fox", width=9000), LIMITS, "Svc"),
    "height_out_of_range": lambda: validate_imagine_request(ImagineRequest(prompt="fox", height=9), LIMITS, "Svc"),
    "size_not_offered": lambda: validate_imagine_request(
        ImagineRequest(prompt="fox", width=512), FIXED_SIZES, "Svc"
    ),
    "count_out_of_range": lambda: validate_imagine_request(ImagineRequest(prompt="fox", count=9), LIMITS, "Svc"),
    "style_unknown": lambda: validate_imagine_request(ImagineRequest(prompt="fox", model="clay"), LIMITS, "Svc"),
    # parameters typed in a prompt
    "parameter_needs_value": lambda: parse_prompt("a fox --seed"),
    "parameter_needs_ratio": lambda: parse_prompt("a fox --ar wide"),
    "aspect_option_needs_ratio": _imagine("a fox", aspect_ratio="wide"),
    "parameter_needs_whole_number": lambda: parse_prompt("a fox --seed lots"),
    "parameter_needs_number": lambda: parse_prompt("a fox --q high"),
    "parameter_needs_version": lambda: parse_prompt("a fox --v six"),
    "parameter_unknown": lambda: parse_prompt("a fox --foo 3"),
    "parameter_stray_words": lambda: parse_prompt("a fox --seed 1 in the snow"),
    "parameter_given_twice": lambda: parse_prompt("a fox --seed 1 --seed 2"),
    "both_set_option": lambda: parse_prompt("a fox --chaos 1 --c 2"),
    "option_clash": _imagine("a fox --seed 1", seed=2),
    "size_clash": _imagine("a fox --ar 16:9", width=512, height=512),
    "parameter_not_understood": lambda: to_imagine_request(
        parse_prompt("a fox --chaos 5"), service="Picpik", accepted_options=()
    ),
    # Jumdata
    "needs_width_and_height": lambda: jumdata_params.resolution_for(width=1024),
    "size_not_made": lambda: jumdata_params.resolution_for(width=512, height=512),
    "resolution_not_made": lambda: jumdata_params.check_submit("fox", "9*9", "古风", 1),
    "images_per_request": lambda: jumdata_params.check_submit("fox", "1024*1024", "古风", 7),
    "no_extra_options": lambda: _unconfigured(JumdataProvider).validate_imagine(
        ImagineRequest(prompt="fox", options={"chaos": 5})
    ),
    # the Midjourney-style API
    "always_a_grid": lambda: _unconfigured(MidjourneyProvider).validate_imagine(ImagineRequest(prompt="fox", count=2)),
    "needs_both_sides_or_ratio": lambda: midjourney_prompting.aspect_ratio(ImagineRequest(prompt="fox", width=512)),
    "option_unknown": lambda: midjourney_prompting.option_flags({"steps": 20}),
    # Picpik
    "option_true_or_false": lambda: picpik_mapping.parse_options({"tileable": "yes"}),
    "option_between": lambda: picpik_mapping.parse_options({"refer_strength": 3}),
    "option_model_codes": lambda: picpik_mapping.parse_options({"sub_models": 5}),
    "lora_entry": lambda: picpik_mapping.parse_options({"lora": [7]}),
    "picpik_option_unknown": lambda: _unconfigured(PicpikProvider).validate_imagine(
        ImagineRequest(prompt="fox", options={"steps": 20})
    ),
    "sub_models_entry": lambda: picpik_mapping.parse_options({"sub_models": [""]}),
    "parameter_out_of_range": _generate(Seed=-5),
    "parameter_step": _generate(ControlNetList=_controlnets(1, ControlWeight=0.555), ImageAndMaskList=["aGk="]),
    "model_code_missing": _generate(MainModel=PicpikModel(ModelCode=" ")),
    "image_index_out_of_range": _generate(ControlNetList=_controlnets(1), ImageAndMaskList=[]),
    "image_index_beyond_one": lambda: check_generate_request(
        GenerateImagesRequest(
            MainModel=PicpikModel(ModelCode="sdxl"), PositivePrompts=["fox"], ImageAndMaskList=["aGk="],
            ControlNetList=[ControlNetSpec(ImageIndex=1, ControlModel=ControlModelSpec(ModelCode="canny"))],
        )
    ),
    "image_index_empty": _generate(ControlNetList=_controlnets(1), ImageAndMaskList=[""]),
    "image_not_base64": _generate(ImageAndMaskList=["not base64!"]),
    "positive_prompts_empty": _generate(PositivePrompts=[" "]),
    "too_many_controlnets": _generate(ControlNetList=_controlnets(4), ImageAndMaskList=["aGk="]),
    "steps_out_of_order": _generate(
        ControlNetList=_controlnets(1, StartingStep=0.8, EndingStep=0.2), ImageAndMaskList=["aGk="]
    ),
    # NGPU
    "width_step": lambda: ngpu_request.validate_extras(
        ImagineRequest(prompt="fox", width=513), LIMITS, default_size=512
    ),
    "model_name_length": lambda: ngpu_request.validate_extras(
        ImagineRequest(prompt="fox", model="m" * 201), LIMITS, default_size=512
    ),
    "image_size_out_of_range": lambda: ngpu_request.validate_extras(
        ImagineRequest(prompt="fox", width=4096, height=4096), LIMITS, default_size=512
    ),
    "options_unknown": lambda: ngpu_request.validate_options({"chaos": 5}),
    "option_needs_whole_number": lambda: ngpu_request.validate_options({"steps": 2.5}),
    "option_needs_number": lambda: ngpu_request.validate_options({"cfg_scale": "high"}),
    "option_out_of_range": lambda: ngpu_request.validate_options({"cfg_scale": 99}),
    "sampler_name": lambda: ngpu_request.validate_options({"sampler_name": ""}),
    # keys typed in the /keys form
    "credentials_field_missing": lambda: NgpuProvider._accept_credentials({"btc_address": "bc1pexampleaddress"}),
    "credentials_field_too_long": lambda: PicpikProvider._accept_credentials({"public_key": "p" * 300}),
    "credentials_control_characters": lambda: NgpuProvider._accept_credentials({"workspace_id": "work\x00space"}),
    "credentials_field_invalid": lambda: JumdataProvider._accept_credentials({"app_id": 5, "app_secret": "s"}),
    "credentials_invalid": lambda: PicpikProvider._accept_credentials({"public_key": "p", "private_key": "k", "x": 1}),
    "btc_address_invalid": lambda: NgpuProvider._accept_credentials({"workspace_id": "w", "btc_address": "not one!"}),
}
#: the same setting spelled twice with different names, one per labelled setting that has two spellings
BOTH_SET = {"aspect_ratio": "a fox --ar 1:1 --aspect 1:1", "model": "a fox --model x --style y",
            "version": "a fox --niji 6 --v 6"}
#: each Midjourney option with a value it refuses
MIDJOURNEY_BAD_VALUES = {"chaos": 101, "stylize": -1, "weird": 3001, "quality": 3, "version": "six", "tile": "yes",
                         "raw": 1}


def raised(action: Callable[[], object]) -> InvalidInputError:
    with pytest.raises(InvalidInputError) as info:
        action()
    return info.value


def all_cases() -> dict[str, Callable[[], object]]:
    cases = dict(CASES)
    cases.update({f"both_set_{slot}": (lambda p=prompt: parse_prompt(p)) for slot, prompt in BOTH_SET.items()})
    cases.update(
        {f"midjourney option {name}": (lambda o={name: value}: midjourney_prompting.option_flags(o))
         for name, value in MIDJOURNEY_BAD_VALUES.items()}
    )
    return cases


@pytest.mark.parametrize("case", sorted(all_cases()))
def test_a_refusal_reads_the_same_in_english_and_is_translated(case: str) -> None:
    error = raised(all_cases()[case])
    assert error.key is not None, f"{case}: the error names no message"
    if not case.startswith("midjourney option"):
        assert error.key == case
    key = f"{KEY_PREFIX}{error.key}"
    assert english()[key].format(**error.values) == error.user_message
    assert error_text(error, "en-US") == error.user_message
    localized = error_text(error, "zh-CN")
    assert localized == chinese()[key].format(**error.values)
    assert localized != error.user_message


def test_labelled_settings_each_have_their_own_both_set_text() -> None:
    assert {f"{KEY_PREFIX}both_set_{slot}" for slot in _LABELS} <= set(english())


def test_every_catalog_text_is_raised_somewhere() -> None:
    scanned = {key for _, key, _ in keyed_calls()}
    dynamic = {f"both_set_{slot}" for slot in _LABELS} | {
        raised(action).key for action in all_cases().values()
    }
    unused = sorted(key for key in english() if key.startswith(KEY_PREFIX) and key[len(KEY_PREFIX):] not in
                    scanned | dynamic)
    assert unused == []


# --- a few messages a member is likely to meet, read as a member would ------------------------------------------


def test_a_bad_aspect_ratio_in_chinese() -> None:
    error = raised(lambda: parse_prompt("a fox --ar wide"))
    assert error_text(error, "zh-CN") == "--ar 需要一个宽高比，例如 16:9 或 2:3；你写的是 “wide”。"
    assert error_text(error, "en-GB") == "--ar needs an aspect ratio like 16:9 or 2:3; you wrote “wide”."


def test_an_extreme_ratio_keeps_its_translation_through_the_prompt_parser() -> None:
    error = raised(lambda: parse_prompt("a fox --ar 9:1"))
    assert error.field == "aspect_ratio"
    assert error_text(error, "zh-CN") == "宽高比 9:1 过于极端；请保持在 1:4 到 4:1 之间。"


def test_a_long_prompt_in_chinese_names_the_service_and_the_numbers() -> None:
    error = raised(lambda: jumdata_params.check_submit("猫" * 101, "1024*1024", "古风", 1))
    assert error_text(error, "zh-CN") == "Jumdata AI绘画 的提示词最多 100 个字符；你的有 101 个。"
    assert error_text(error, "zh-TW") == error.user_message  # no Traditional Chinese: English, not a guess


def test_an_unknown_parameter_in_chinese_lists_the_known_ones() -> None:
    text = error_text(raised(lambda: parse_prompt("a fox --foo 3")), "zh-CN")
    assert text.startswith("我不认识参数 --foo。") and "--ar" in text and "--seed" in text


# --- the fallbacks ----------------------------------------------------------------------------------------------


def test_an_error_without_a_key_shows_its_own_words() -> None:
    error = ServerError("Picpik is down for maintenance.")
    assert error_text(error, "zh-CN") == "Picpik is down for maintenance."


def test_an_unknown_key_or_unfillable_values_fall_back_to_english() -> None:
    unknown = InvalidInputError("Something specific.", key="no_such_message")
    short = InvalidInputError("Svc accepts prompts of at most 5 characters; yours has 9.", key="prompt_too_long",
                              values={"service": "Svc"})
    assert error_text(unknown, "zh-CN") == "Something specific."
    assert error_text(short, "zh-CN") == short.user_message


def test_a_key_and_values_survive_as_plain_attributes() -> None:
    error: ProviderError = InvalidInputError("x", field="seed", key="seed_unsupported", values={"service": "Svc"})
    assert (error.key, error.values) == ("seed_unsupported", {"service": "Svc"})
    assert error.user_message == str(error) == "x"
