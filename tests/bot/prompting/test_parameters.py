"""Midjourney-style parameters inside a prompt: what is understood, what is refused and how."""

import pytest

from bot.prompting import (
    KNOWN_PARAMETERS,
    ParsedPrompt,
    PromptParameterError,
    parse_prompt,
    render_prompt,
    to_imagine_request,
)
from providers.core.models import ImagineRequest
from providers.midjourney.prompting import build_content


def test_a_plain_prompt_has_no_parameters() -> None:
    assert parse_prompt("a red fox in the snow") == ParsedPrompt(prompt="a red fox in the snow")


def test_the_common_parameters_are_read_and_removed_from_the_prompt() -> None:
    parsed = parse_prompt("a red fox in the snow --ar 16:9 --seed 42 --no text, watermark")
    assert parsed == ParsedPrompt(
        prompt="a red fox in the snow", aspect_ratio="16:9", seed=42, negative="text, watermark"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x --aspect 2:3", ParsedPrompt("x", aspect_ratio="2:3")),
        ("x --ar 16x9", ParsedPrompt("x", aspect_ratio="16:9")),
        ("x --ar 16×9", ParsedPrompt("x", aspect_ratio="16:9")),
        ("x --ar 16：9", ParsedPrompt("x", aspect_ratio="16:9")),  # the Chinese keyboard's colon
        ("x --ar 16 : 9", ParsedPrompt("x", aspect_ratio="16:9")),
        ("x --ar 16: 9 --seed 1", ParsedPrompt("x", aspect_ratio="16:9", seed=1)),
        ("x --seed 007", ParsedPrompt("x", seed=7)),
    ],
)
def test_values_are_normalised(text: str, expected: ParsedPrompt) -> None:
    assert parse_prompt(text) == expected


def test_every_option_lands_under_the_midjourney_provider_name() -> None:
    parsed = parse_prompt("x --chaos 20 --stylize 250 --weird 5 --q .5 --v 5.2 --tile --iw 1.25 --style raw")
    assert parsed.options == {
        "chaos": 20,
        "stylize": 250,
        "weird": 5,
        "quality": 0.5,
        "version": "5.2",
        "tile": True,
        "image_weight": 1.25,
        "raw": True,
    }
    assert parsed.model is None


@pytest.mark.parametrize(
    ("text", "options"),
    [
        ("x --c 5", {"chaos": 5}),
        ("x --s 100", {"stylize": 100}),
        ("x --w 7", {"weird": 7}),
        ("x --quality 2", {"quality": 2}),
        ("x --version 6", {"version": "6"}),
    ],
)
def test_short_and_long_names_mean_the_same(text: str, options: dict[str, object]) -> None:
    assert parse_prompt(text).options == options


def test_model_style_and_niji_choose_the_model() -> None:
    assert parse_prompt("x --model dreamshaper 8").model == "dreamshaper 8"
    assert parse_prompt("x --style 赛博朋克 --seed 3") == ParsedPrompt("x", seed=3, model="赛博朋克")
    assert parse_prompt("x --niji") == ParsedPrompt("x", model="niji")
    assert parse_prompt("x --niji 6 --ar 1:1") == ParsedPrompt(
        "x", aspect_ratio="1:1", model="niji", options={"version": "6"}
    )
    # raw is Midjourney's mode, not a style name, and can go with a model
    assert parse_prompt("x --style RAW --model m") == ParsedPrompt("x", model="m", options={"raw": True})


def test_no_takes_every_word_up_to_the_next_parameter() -> None:
    parsed = parse_prompt("a garden --no people,   text and\nsigns --ar 3:2")
    assert parsed.negative == "people, text and signs"
    assert parsed.aspect_ratio == "3:2"


@pytest.mark.parametrize("dash", ["—", "–", "——", "−−", "－－", "—-", "-—", "‐‐"])
def test_dashes_that_phones_and_keyboards_substitute_work(dash: str) -> None:
    parsed = parse_prompt(f"a cat {dash}ar 4:3 {dash}no dogs {dash}seed 9")
    assert parsed == ParsedPrompt("a cat", aspect_ratio="4:3", seed=9, negative="dogs")


def test_a_single_typographic_dash_before_an_ordinary_word_is_punctuation() -> None:
    assert parse_prompt("a cat —sleeping on a mat").prompt == "a cat —sleeping on a mat"
    assert parse_prompt("a cat – sleeping").prompt == "a cat – sleeping"
    # but two dashes before an unknown name are a parameter the member mistyped
    with pytest.raises(PromptParameterError, match="--sleeping"):
        parse_prompt("a cat ——sleeping")


@pytest.mark.parametrize(
    "text",
    [
        "see https://example.com/a--b/c --not-a-flag-here",
        "a well--known place",
        "a dash -- between words",
        "arrows --> and <-- everywhere",
        "single -hyphen words -ar",
        "a flag--ar 16:9",
        "--ar16:9 glued",
    ],
)
def test_dashes_inside_words_are_not_parameters(text: str) -> None:
    assert parse_prompt(text) == ParsedPrompt(" ".join(text.split()))


def test_names_are_case_insensitive_spaces_do_not_matter_and_order_is_free() -> None:
    first = parse_prompt("  a   red\tfox \n --SEED   5   --Ar 1:2   --NO  snow  ")
    second = parse_prompt("a red fox --no snow --ar 1:2 --seed 5")
    assert first == second == ParsedPrompt("a red fox", aspect_ratio="1:2", seed=5, negative="snow")


def test_a_prompt_of_only_parameters_has_an_empty_description() -> None:
    assert parse_prompt("--ar 1:1 --tile") == ParsedPrompt("", aspect_ratio="1:1", options={"tile": True})


def _refused(text: str) -> PromptParameterError:
    with pytest.raises(PromptParameterError) as caught:
        parse_prompt(text)
    return caught.value


def test_an_unknown_parameter_is_named_and_the_known_ones_listed() -> None:
    error = _refused("a fox --zoom 2")
    assert "--zoom" in error.user_message
    assert all(name in error.user_message for name in KNOWN_PARAMETERS)
    assert error.field == "prompt"


@pytest.mark.parametrize(
    ("text", "field", "fragments"),
    [
        ("x --seed 1 --seed 2", "seed", ["--seed is given twice"]),
        ("x --s 1 --stylize 1", "options", ["--s and --stylize"]),
        ("x --ar 1:1 --aspect 1:1", "aspect_ratio", ["--ar and --aspect"]),
        ("x --niji --model m", "model", ["--niji and --model"]),
        ("x --niji 6 --v 5", "options", ["--niji and --v", "version"]),
        ("x --no a --no b", "negative_prompt", ["--no is given twice"]),
        ("x --tile --tile", "options", ["--tile is given twice"]),
    ],
)
def test_a_parameter_given_twice_is_refused(text: str, field: str, fragments: list[str]) -> None:
    error = _refused(text)
    assert error.field == field
    for fragment in fragments:
        assert fragment in error.user_message


@pytest.mark.parametrize(
    ("text", "field", "fragments"),
    [
        ("x --seed abc", "seed", ["--seed needs a whole number", "“abc”"]),
        ("x --seed -5", "seed", ["“-5”"]),
        ("x --chaos 1.5", "options", ["--chaos needs a whole number", "“1.5”"]),
        ("x --q high", "options", ["--q needs a number", "“high”"]),
        ("x --v six", "options", ["--v needs a version number"]),
        ("x --ar wide", "aspect_ratio", ["--ar needs an aspect ratio like 16:9", "“wide”"]),
        ("x --ar 0:1", "aspect_ratio", ["cannot contain 0"]),
        ("x --ar 10:1", "aspect_ratio", ["between 1:4 and 4:1"]),
        ("x --ar", "aspect_ratio", ["--ar needs a value, like --ar 16:9"]),
        ("x --no", "negative_prompt", ["--no needs a value"]),
        ("x --no --ar 1:1", "negative_prompt", ["--no needs a value"]),
        ("x --seed", "seed", ["--seed needs a value"]),
        ("x --style", "model", ["--style needs a value"]),
        ("x --seed 12345678901234567890", "seed", ["whole number"]),
    ],
)
def test_badly_typed_values_get_a_message_naming_the_parameter(text: str, field: str, fragments: list[str]) -> None:
    error = _refused(text)
    assert error.field == field
    for fragment in fragments:
        assert fragment in error.user_message


@pytest.mark.parametrize(
    ("text", "stray"),
    [("a fox --ar 16:9 in the snow", "“in the snow” after --ar"), ("a fox --tile yes", "“yes” after --tile")],
)
def test_words_after_the_parameters_are_refused_not_swallowed(text: str, stray: str) -> None:
    error = _refused(text)
    assert stray in error.user_message
    assert "Put the description first" in error.user_message


def test_a_long_stray_text_is_shortened_in_the_message() -> None:
    error = _refused("x --tile " + "word " * 100)
    assert len(error.user_message) < 250
    assert "…" in error.user_message


def test_the_error_is_the_provider_layers_invalid_input() -> None:
    from providers.core.errors import InvalidInputError

    assert isinstance(_refused("x --zoom"), InvalidInputError)


# ----------------------------------------------------------------------------------------------------- render


def test_render_writes_the_canonical_spelling() -> None:
    parsed = parse_prompt("a fox —s 100 –niji 6 --q 0.50 --iw 2 --no  a,  b --style raw --ar 16x9 --seed 01")
    assert (
        render_prompt(parsed)
        == "a fox --ar 16:9 --seed 1 --no a, b --niji --stylize 100 --v 6 --q 0.5 --iw 2 --style raw"
    )
    assert parse_prompt(render_prompt(parsed)) == parsed


@pytest.mark.parametrize("value", ["0.000001", "123456.5", ".1", "2.0", "000.250000"])
def test_decimal_values_render_without_exponents_and_read_back_the_same(value: str) -> None:
    parsed = parse_prompt(f"x --iw {value} --q {value}")
    rendered = render_prompt(parsed)
    assert "e" not in rendered.removeprefix("x ").replace("--", "")
    assert parse_prompt(rendered) == parsed
    assert parsed.options["image_weight"] == float(value)


def test_render_refuses_an_option_that_has_no_parameter() -> None:
    with pytest.raises(ValueError, match="steps"):
        render_prompt(ParsedPrompt("x", options={"steps": 20}))


# ------------------------------------------------------------------------------------------ to_imagine_request


def test_a_parsed_prompt_becomes_a_request() -> None:
    request = to_imagine_request(parse_prompt("a fox --ar 16:9 --seed 42 --no text --style anime --chaos 5"))
    assert request == ImagineRequest(
        prompt="a fox",
        aspect_ratio="16:9",
        seed=42,
        negative_prompt="text",
        model="anime",
        count=4,
        options={"chaos": 5},
    )


def test_command_options_fill_what_the_prompt_leaves_open() -> None:
    request = to_imagine_request(
        parse_prompt("a fox --seed 1"),
        negative="blur",
        aspect_ratio="2:3",
        model="m1",
        options={"steps": 20},
        count=2,
    )
    assert (request.seed, request.negative_prompt, request.aspect_ratio, request.model) == (1, "blur", "2:3", "m1")
    assert request.options == {"steps": 20}
    assert request.count == 2


def test_the_same_value_in_both_places_is_accepted() -> None:
    request = to_imagine_request(
        parse_prompt("a fox --seed 1 --ar 32:18 --no text --chaos 3"),
        seed=1,
        aspect_ratio="16:9",
        negative=" text ",
        options={"chaos": 3},
    )
    assert (request.seed, request.aspect_ratio, request.negative_prompt, request.options) == (
        1,
        "16:9",
        "text",
        {"chaos": 3},
    )


@pytest.mark.parametrize(
    ("text", "fields", "field", "fragments"),
    [
        ("x --seed 1", {"seed": 2}, "seed", ["seed option", "“2”", "--seed", "“1”"]),
        ("x --ar 16:9", {"aspect_ratio": "4:3"}, "aspect_ratio", ["aspect option", "“4:3”", "--ar", "“16:9”"]),
        ("x --no a", {"negative": "b"}, "negative_prompt", ["negative option", "--no"]),
        ("x --niji", {"model": "main"}, "model", ["model option", "“main”", "--niji"]),
        ("x --style anime", {"model": "real"}, "model", ["--model/--style", "“anime”"]),
        ("x --chaos 3", {"options": {"chaos": 4}}, "options", ["chaos option", "--chaos"]),
        ("x --ar 16:9", {"width": 1024, "height": 1024}, "width", ["width and height option", "1024×1024", "--ar"]),
    ],
)
def test_a_command_option_that_contradicts_the_prompt_names_both(
    text: str, fields: dict[str, object], field: str, fragments: list[str]
) -> None:
    with pytest.raises(PromptParameterError) as caught:
        to_imagine_request(parse_prompt(text), **fields)  # type: ignore[arg-type]
    assert caught.value.field == field
    for fragment in fragments:
        assert fragment in caught.value.user_message


def test_a_bad_aspect_command_option_is_refused_like_the_parameter() -> None:
    with pytest.raises(PromptParameterError, match="aspect option needs an aspect ratio"):
        to_imagine_request(parse_prompt("x"), aspect_ratio="wide")


def test_width_and_height_of_the_same_shape_as_ar_are_kept() -> None:
    request = to_imagine_request(parse_prompt("x --ar 16:9"), width=1920, height=1080)
    assert (request.aspect_ratio, request.width, request.height) == ("16:9", 1920, 1080)


def test_options_the_service_lacks_are_named_by_their_parameter() -> None:
    with pytest.raises(PromptParameterError, match=r"Picpik does not understand --style raw"):
        to_imagine_request(parse_prompt("x --style raw"), accepted_options={"tileable"}, service="Picpik")
    request = to_imagine_request(parse_prompt("x --chaos 5"), accepted_options={"chaos"}, service="MJ")
    assert request.options == {"chaos": 5}


def test_the_midjourney_provider_understands_every_option_the_parser_makes() -> None:
    parameters = (
        "--ar 16:9 --seed 42 --no text --niji --chaos 20 --stylize 250 --weird 5 --q .5 --v 6 --tile --style raw"
    )
    content = build_content(to_imagine_request(parse_prompt(f"a fox {parameters}")))
    assert content == f"a fox {parameters.replace('--q .5', '--quality 0.5')}"
