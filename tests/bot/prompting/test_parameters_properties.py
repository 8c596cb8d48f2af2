"""Properties of the prompt parser over generated text: it only ever refuses politely, and it round-trips."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.prompting import KNOWN_PARAMETERS, ParsedPrompt, PromptParameterError, parse_prompt, render_prompt

_DASHES = ["--", "—", "–", "——", "−−", "-", "---", "－－"]
_NAMES = [name.removeprefix("--") for name in KNOWN_PARAMETERS] + ["AR", "Seed", "zoom", "x"]
_VALUES = ["16:9", "2:3", "1:1", "16 : 9", "9:16", "0:1", "42", "007", "1.5", ".5", "6", "5.2", "raw", "abc", "-1", ""]
_SPACES = [" ", "  ", "\t", "\n", "\u3000", ""]

# Fragments that make generated text look like prompts with parameters, mixed with arbitrary text.
_fragment = st.one_of(
    st.sampled_from(_DASHES),
    st.sampled_from(_NAMES),
    st.sampled_from(_VALUES),
    st.sampled_from(_SPACES),
    st.sampled_from(["a red fox", "https://x.org/a--b", "well--known", "猫", ",", ":"]),
    st.text(max_size=6),
)
prompt_like_text = st.lists(_fragment, max_size=24).map("".join)


def _check_round_trip(text: str) -> None:
    try:
        parsed = parse_prompt(text)
    except PromptParameterError as error:
        refusal = error.user_message
    else:
        refusal = None
    if refusal is not None:
        assert refusal.strip()
        return
    rendered = render_prompt(parsed)
    assert parse_prompt(rendered) == parsed
    assert render_prompt(parse_prompt(rendered)) == rendered


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_arbitrary_text_is_parsed_or_refused_politely(text: str) -> None:
    _check_round_trip(text)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prompt_like_text)
def test_prompt_like_text_is_parsed_or_refused_politely_and_round_trips(text: str) -> None:
    _check_round_trip(text)


# Valid prompts built from their parts: every part must come back unchanged, whatever the spelling.
_words = st.text(alphabet=st.characters(categories=("L", "N"), include_characters=",.'!?"), min_size=1, max_size=8)
_phrase = st.lists(_words, min_size=1, max_size=5).map(" ".join)
_dash = st.sampled_from(["--", "—", "–", "——", "−−"])
_gap = st.sampled_from([" ", "  ", "\n", " \t "])


@st.composite
def valid_prompts(draw: st.DrawFn) -> tuple[str, ParsedPrompt]:
    expected: dict[str, object] = {}
    options: dict[str, object] = {}
    parts: list[str] = []
    if draw(st.booleans()):
        width, height = draw(st.integers(1, 40)), draw(st.integers(1, 40))
        if 0.25 <= width / height <= 4:
            parts.append(f"{draw(st.sampled_from(['ar', 'aspect']))} {width}:{height}")
            expected["aspect_ratio"] = f"{width}:{height}"
    if draw(st.booleans()):
        seed = draw(st.integers(0, 2**32 - 1))
        parts.append(f"seed {seed}")
        expected["seed"] = seed
    if draw(st.booleans()):
        negative = draw(_phrase)
        parts.append(f"no {negative}")
        expected["negative"] = negative
    if draw(st.booleans()):
        model = draw(_phrase)
        if model.lower() != "raw":
            parts.append(f"{draw(st.sampled_from(['model', 'style']))} {model}")
            expected["model"] = model
    for name, spellings, value in (
        ("chaos", ["chaos", "c"], draw(st.integers(0, 100))),
        ("stylize", ["stylize", "s"], draw(st.integers(0, 1000))),
        ("quality", ["quality", "q"], draw(st.sampled_from([0.25, 0.5, 1, 2]))),
        ("image_weight", ["iw"], draw(st.decimals(0, 3, places=2).map(float))),
    ):
        if draw(st.booleans()):
            parts.append(f"{draw(st.sampled_from(spellings))} {value}")
            options[name] = value
    if draw(st.booleans()):
        parts.append("tile")
        options["tile"] = True
    draw(st.randoms()).shuffle(parts)
    description = draw(st.one_of(st.just(""), _phrase))
    text = description + "".join(f"{draw(_gap)}{draw(_dash)}{part}" for part in parts)
    return text, ParsedPrompt(prompt=description, options=options, **expected)  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(valid_prompts())
def test_valid_prompts_are_read_exactly_and_round_trip(case: tuple[str, ParsedPrompt]) -> None:
    text, expected = case
    parsed = parse_prompt(text)
    assert parsed == expected
    assert parse_prompt(render_prompt(parsed)) == parsed
