"""Midjourney-style parameters typed inside a prompt: ``a red fox --ar 16:9 --seed 42 --no text, frame``.

What a member can rely on:

* A parameter is two dashes and a name standing on its own: at the start of the prompt or after a space,
  and followed by a space or the end. ``https://x.org/a--b`` or ``well--known`` are words, not parameters.
* Phones turn ``--`` into a dash: ``—ar``, ``–ar`` and the Chinese keyboard's ``——ar`` work too. A *single*
  typographic dash counts only before a known name, because "a cat —sleeping" is ordinary punctuation.
* Names are case-insensitive; extra spaces anywhere are ignored; parameters may come in any order, but all
  of them after the description (as in Midjourney). A word that belongs to no parameter is an error rather
  than silently moved into the prompt.
* ``--no``, ``--model`` and ``--style`` take every word up to the next parameter; the others take one value.
* Unknown names, a parameter given twice (``--s`` and ``--stylize`` count as the same) and badly typed values
  raise :class:`PromptParameterError` with a message a member can act on. Nothing else is ever raised.

Where the values go (:class:`ParsedPrompt`):

* ``--ar``/``--aspect`` → ``aspect_ratio`` ("W:H" as written, ``16x9``/``16：9`` normalised to ``16:9``);
  ``--seed`` → ``seed``; ``--no`` → ``negative``.
* ``--model X`` and ``--style X`` → ``model`` (``ImagineRequest.model`` is "a model or style name, as the
  provider lists them"), except ``--style raw``, Midjourney's raw mode → ``options["raw"] = True``.
  ``--niji`` → ``model = "niji"`` (the Midjourney provider's anime model); ``--niji 6`` also sets the version.
* The rest become ``options`` under the Midjourney provider's names (``providers/midjourney/prompting.py``):
  ``chaos``, ``stylize``, ``weird``, ``quality``, ``version``, ``tile``, ``raw``, plus ``image_weight`` for
  ``--iw``. Ranges are left to the provider that receives them, which names the limit.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from providers.core.errors import InvalidInputError
from providers.core.models import ImagineRequest
from providers.core.validation import parse_aspect_ratio

__all__ = [
    "KNOWN_PARAMETERS",
    "OPTION_PARAMETERS",
    "ParsedPrompt",
    "PromptParameterError",
    "parse_prompt",
    "render_prompt",
    "to_imagine_request",
]


class PromptParameterError(InvalidInputError):
    """A parameter in the prompt (or a clash with a command option) that the member must fix.

    A subclass of the provider layer's ``InvalidInputError`` so one error handler shows both the same way.
    """

    def __init__(
        self,
        user_message: str,
        *,
        field: str = "prompt",
        key: str | None = None,
        values: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(user_message, field=field, key=key, values=values)


@dataclass(frozen=True)
class ParsedPrompt:
    """A prompt split into its description and the parameters typed after it."""

    prompt: str
    aspect_ratio: str | None = None
    seed: int | None = None
    negative: str | None = None
    #: extras under the Midjourney provider's option names (see the module docstring)
    options: dict[str, Any] = field(default_factory=dict)
    model: str | None = None


# ---------------------------------------------------------------------------------------------- reading values

#: ASCII hyphen-minus and the dashes keyboards substitute for it (hyphen, en/em dash, bar, minus, full-width …)
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_MARKER = re.compile(rf"(?<!\S)([{re.escape(_DASHES)}]{{1,2}})([A-Za-z]+)(?=\s|$)")
_RATIO = re.compile(r"([0-9]{1,5})[:：xX×]([0-9]{1,5})")
# Digits are limited so that every accepted number renders back to the same text and value (no exponents,
# no float rounding) and so that a pasted wall of digits is refused instead of converted.
_WHOLE = re.compile(r"[0-9]{1,9}")
_SEED = re.compile(r"[0-9]{1,19}")
_DECIMAL = re.compile(r"[0-9]{0,6}\.[0-9]{1,6}|[0-9]{1,6}")
_VERSION = re.compile(r"[0-9]{1,2}(?:\.[0-9]{1,2})?")
_QUOTE_LIMIT = 40

#: what a parameter's reader returns: the fields/options it sets, and how many of the words it used
_Reading = tuple[dict[str, Any], int]


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return f"“{text if len(text) <= _QUOTE_LIMIT else text[: _QUOTE_LIMIT - 1] + '…'}”"


def _missing(flag: str, example: str, slot: str) -> PromptParameterError:
    return PromptParameterError(
        f"{flag} needs a value, like {flag} {example}.",
        field=_field_of(slot),
        key="parameter_needs_value",
        values={"flag": flag, "example": example},
    )


#: how the slash command's own aspect option is named in messages (it has no ``--`` spelling)
_ASPECT_OPTION = "The aspect option"


def _ratio_value(text: str, *, flag: str = "--ar", field: str = "aspect_ratio") -> str:
    match = _RATIO.fullmatch(text.strip())
    if match is None:
        raise PromptParameterError(
            f"{flag} needs an aspect ratio like 16:9 or 2:3; you wrote {_quote(text)}.",
            field=field,
            key="aspect_option_needs_ratio" if flag == _ASPECT_OPTION else "parameter_needs_ratio",
            values={"flag": flag, "text": _quote(text)},
        )
    width, height = int(match[1]), int(match[2])
    try:
        parse_aspect_ratio(f"{width}:{height}")  # the shared range rules (no zero, 1:4 … 4:1)
    except InvalidInputError as error:
        raise PromptParameterError(error.user_message, field=field, key=error.key, values=error.values) from None
    return f"{width}:{height}"


def _read_ratio(flag: str, words: Sequence[str]) -> _Reading:
    if not words:
        raise _missing(flag, "16:9", "aspect_ratio")
    # "16:9", but also "16 : 9" or "16: 9" when a keyboard added spaces
    for used in (3, 2):
        if len(words) >= used and _RATIO.fullmatch("".join(words[:used])):
            return {"aspect_ratio": _ratio_value("".join(words[:used]), flag=flag)}, used
    return {"aspect_ratio": _ratio_value(words[0], flag=flag)}, 1


#: what a value must be → the message key naming it (the English words stay in the message itself)
_KIND_KEYS = {
    "a whole number": "parameter_needs_whole_number",
    "a number": "parameter_needs_number",
    "a version number": "parameter_needs_version",
}


def _value_reader(
    slot: str, pattern: re.Pattern[str], convert: Callable[[str], Any], kind: str, example: str
) -> Callable[[str, Sequence[str]], _Reading]:
    def read(flag: str, words: Sequence[str]) -> _Reading:
        if not words:
            raise _missing(flag, example, slot)
        if pattern.fullmatch(words[0]) is None:
            raise PromptParameterError(
                f"{flag} needs {kind}, like {flag} {example}; you wrote {_quote(words[0])}.",
                field=_field_of(slot),
                key=_KIND_KEYS[kind],
                values={"flag": flag, "example": example, "text": _quote(words[0])},
            )
        return {slot: convert(words[0])}, 1

    return read


def _to_number(text: str) -> int | float:
    return float(text) if "." in text else int(text)


def _words_reader(slot: str, example: str) -> Callable[[str, Sequence[str]], _Reading]:
    def read(flag: str, words: Sequence[str]) -> _Reading:
        if not words:
            raise _missing(flag, example, slot)
        return {slot: " ".join(words)}, len(words)

    return read


def _read_style(flag: str, words: Sequence[str]) -> _Reading:
    if not words:
        raise _missing(flag, "raw", "model")
    text = " ".join(words)
    # Midjourney's "--style raw" is a mode, not a style name; every other style is the service's model/style
    return ({"raw": True} if text.lower() == "raw" else {"model": text}), len(words)


def _read_niji(flag: str, words: Sequence[str]) -> _Reading:
    if words and _VERSION.fullmatch(words[0]):
        return {"model": "niji", "version": words[0]}, 1
    return {"model": "niji"}, 0


def _read_flag(slot: str) -> Callable[[str, Sequence[str]], _Reading]:
    return lambda flag, words: ({slot: True}, 0)


@dataclass(frozen=True)
class _Parameter:
    names: tuple[str, ...]
    read: Callable[[str, Sequence[str]], _Reading]


_PARAMETERS: tuple[_Parameter, ...] = (
    _Parameter(("ar", "aspect"), _read_ratio),
    _Parameter(("seed",), _value_reader("seed", _SEED, int, "a whole number", "1234")),
    _Parameter(("no",), _words_reader("negative", "text, watermark")),
    _Parameter(("model",), _words_reader("model", "name")),
    _Parameter(("style",), _read_style),
    _Parameter(("niji",), _read_niji),
    _Parameter(("chaos", "c"), _value_reader("chaos", _WHOLE, int, "a whole number", "20")),
    _Parameter(("stylize", "s"), _value_reader("stylize", _WHOLE, int, "a whole number", "250")),
    _Parameter(("weird", "w"), _value_reader("weird", _WHOLE, int, "a whole number", "250")),
    _Parameter(("quality", "q"), _value_reader("quality", _DECIMAL, _to_number, "a number", "0.5")),
    _Parameter(("version", "v"), _value_reader("version", _VERSION, str, "a version number", "6")),
    _Parameter(("tile",), _read_flag("tile")),
    _Parameter(("iw",), _value_reader("image_weight", _DECIMAL, _to_number, "a number", "1.5")),
)
_BY_NAME: dict[str, _Parameter] = {name: parameter for parameter in _PARAMETERS for name in parameter.names}
#: every accepted spelling, for help texts and autocomplete
KNOWN_PARAMETERS: tuple[str, ...] = tuple(f"--{name}" for parameter in _PARAMETERS for name in parameter.names)

#: the ImagineRequest field each top-level value fills (the ``field`` of an error about it)
_TOP_LEVEL = {
    "aspect_ratio": "aspect_ratio",
    "seed": "seed",
    "negative": "negative_prompt",
    "model": "model",
}
_LABELS = {
    "aspect_ratio": "the aspect ratio",
    "seed": "the seed",
    "negative": "the negative prompt",
    "model": "the model",
    "version": "the version",
    "image_weight": "the image weight",
}


def _field_of(slot: str) -> str:
    return _TOP_LEVEL.get(slot, "options")


def _label(slot: str) -> str:
    return _LABELS.get(slot, f"the {slot} value")


def _both_set(earlier: str, flag: str, slot: str) -> PromptParameterError:
    # one message key per label, so a translation names the setting in its own words
    return PromptParameterError(
        f"{earlier} and {flag} both set {_label(slot)}; keep one.",
        field=_field_of(slot),
        key=f"both_set_{slot}" if slot in _LABELS else "both_set_option",
        values={"earlier": earlier, "flag": flag, "slot": slot},
    )


# ------------------------------------------------------------------------------------------------- parsing


def _is_parameter(match: re.Match[str]) -> bool:
    dashes, name = match[1], match[2].lower()
    if len(dashes) == 2:
        return True
    # one ASCII hyphen is never a parameter; one typographic dash is one only before a name we know
    return dashes != "-" and name in _BY_NAME


def parse_prompt(text: str) -> ParsedPrompt:
    """Split ``text`` into the description and its parameters; raises only :class:`PromptParameterError`."""
    markers = [match for match in _MARKER.finditer(text) if _is_parameter(match)]
    description = " ".join((text[: markers[0].start()] if markers else text).split())
    given: dict[str, str] = {}  # slot → the parameter that set it (for duplicate messages)
    values: dict[str, Any] = {}
    for index, marker in enumerate(markers):
        flag = f"--{marker[2].lower()}"
        parameter = _BY_NAME.get(marker[2].lower())
        if parameter is None:
            raise PromptParameterError(
                f"I don't know the parameter {flag}. The ones I understand: {', '.join(KNOWN_PARAMETERS)}.",
                key="parameter_unknown",
                values={"flag": flag, "known": ", ".join(KNOWN_PARAMETERS)},
            )
        end = markers[index + 1].start() if index + 1 < len(markers) else len(text)
        words = text[marker.end() : end].split()
        assigned, used = parameter.read(flag, words)
        if used < len(words):
            raise PromptParameterError(
                f"{_quote(' '.join(words[used:]))} after {flag} is not part of any parameter. Put the "
                "description first and the parameters after it, like: a red fox in snow --ar 16:9 --seed 42.",
                key="parameter_stray_words",
                values={"words": _quote(" ".join(words[used:])), "flag": flag},
            )
        for slot, value in assigned.items():
            if slot in given:
                earlier = given[slot]
                if earlier != flag:
                    raise _both_set(earlier, flag, slot)
                raise PromptParameterError(
                    f"{flag} is given twice; keep one.",
                    field=_field_of(slot),
                    key="parameter_given_twice",
                    values={"flag": flag},
                )
            given[slot] = flag
            values[slot] = value
    return ParsedPrompt(
        prompt=description,
        aspect_ratio=values.pop("aspect_ratio", None),
        seed=values.pop("seed", None),
        negative=values.pop("negative", None),
        model=values.pop("model", None),
        options=values,
    )


# ------------------------------------------------------------------------------------------------ rendering


def _format_number(value: float) -> str:
    if isinstance(value, int):
        return str(value)
    # fixed-point, never "1e-06": parsing the text gives back the same float (at most 6 decimals are accepted)
    return f"{value:.6f}".rstrip("0").rstrip(".") or "0"


#: option → how it is written in a prompt (the canonical spelling)
_OPTION_FLAGS: dict[str, Callable[[Any], str | None]] = {
    "chaos": lambda value: f"--chaos {_format_number(value)}",
    "stylize": lambda value: f"--stylize {_format_number(value)}",
    "weird": lambda value: f"--weird {_format_number(value)}",
    "quality": lambda value: f"--q {_format_number(value)}",
    "version": lambda value: f"--v {value}",
    "image_weight": lambda value: f"--iw {_format_number(value)}",
    "tile": lambda value: "--tile" if value else None,
    "raw": lambda value: "--style raw" if value else None,
}
#: option → the parameter a member types for it (for messages)
OPTION_PARAMETERS: dict[str, str] = {
    "chaos": "--chaos",
    "stylize": "--stylize",
    "weird": "--weird",
    "quality": "--q",
    "version": "--v",
    "image_weight": "--iw",
    "tile": "--tile",
    "raw": "--style raw",
}


def render_prompt(parsed: ParsedPrompt) -> str:
    """The prompt as a member would type it; ``parse_prompt(render_prompt(p)) == p`` for a parsed ``p``."""
    parts = [parsed.prompt] if parsed.prompt else []
    if parsed.aspect_ratio is not None:
        parts.append(f"--ar {parsed.aspect_ratio}")
    if parsed.seed is not None:
        parts.append(f"--seed {parsed.seed}")
    if parsed.negative:
        parts.append(f"--no {parsed.negative}")
    if parsed.model == "niji":
        parts.append("--niji")
    elif parsed.model:
        parts.append(f"--model {parsed.model}")
    for name, value in parsed.options.items():
        render = _OPTION_FLAGS.get(name)
        if render is None:
            raise ValueError(f"option {name!r} has no prompt parameter")
        text = render(value)
        if text:
            parts.append(text)
    return " ".join(parts)


# ------------------------------------------------------------------------------- merging with command options


def _reduced(ratio: str) -> tuple[int, int]:
    width, height = (int(part) for part in ratio.split(":"))
    divisor = math.gcd(width, height)
    return width // divisor, height // divisor


def _clash(
    option: str, option_value: object, parameter: str, parameter_value: object, *, field: str, key: str
) -> PromptParameterError:
    return PromptParameterError(
        f"The {option} option says {_quote(str(option_value))} but the prompt says {parameter} "
        f"{_quote(str(parameter_value))}; keep one of them.",
        field=field,
        key=key,
        values={
            "option": option,
            "option_value": _quote(str(option_value)),
            "parameter": parameter,
            "parameter_value": _quote(str(parameter_value)),
        },
    )


def _merge(option: str, explicit: Any, parameter: str, in_prompt: Any, *, field: str) -> Any:
    """The command option's value, or the prompt's; both given and different → an error naming both."""
    if explicit is None:
        return in_prompt
    if in_prompt is not None and explicit != in_prompt:
        raise _clash(option, explicit, parameter, in_prompt, field=field, key="option_clash")
    return explicit


def to_imagine_request(
    parsed: ParsedPrompt,
    *,
    negative: str | None = None,
    aspect_ratio: str | None = None,
    seed: int | None = None,
    model: str | None = None,
    width: int | None = None,
    height: int | None = None,
    options: Mapping[str, Any] | None = None,
    count: int = 4,
    accepted_options: Collection[str] | None = None,
    service: str = "This service",
) -> ImagineRequest:
    """The request for a parsed prompt plus the slash command's own fields.

    A command field and an in-prompt parameter may say the same thing; when they say different things
    the member gets an error naming both rather than a silent winner. ``accepted_options`` (the option
    names the chosen service understands) turns an in-prompt parameter the service lacks into an error
    naming the parameter the member typed.
    """
    if accepted_options is not None:
        for name in parsed.options:
            if name not in accepted_options:
                parameter = OPTION_PARAMETERS.get(name, name)
                raise PromptParameterError(
                    f"{service} does not understand {parameter}; remove it.",
                    field="options",
                    key="parameter_not_understood",
                    values={"service": service, "parameter": parameter},
                )
    ratio = parsed.aspect_ratio
    if aspect_ratio is not None:
        explicit_ratio = _ratio_value(aspect_ratio, flag=_ASPECT_OPTION, field="aspect_ratio")
        if ratio is not None and _reduced(explicit_ratio) != _reduced(ratio):
            raise _clash("aspect", aspect_ratio, "--ar", ratio, field="aspect_ratio", key="option_clash")
        ratio = explicit_ratio
    if (
        parsed.aspect_ratio is not None
        and width is not None
        and height is not None
        and (width <= 0 or height <= 0 or _reduced(f"{width}:{height}") != _reduced(parsed.aspect_ratio))
    ):
        raise _clash(
            "width and height", f"{width}×{height}", "--ar", parsed.aspect_ratio, field="width", key="size_clash"
        )
    explicit_negative = None if negative is None else (" ".join(negative.split()) or None)
    model_parameter = "--niji" if parsed.model == "niji" else "--model/--style"
    merged_options = dict(options or {})
    for name, value in parsed.options.items():
        parameter = OPTION_PARAMETERS.get(name, name)
        merged_options[name] = _merge(name, merged_options.get(name), parameter, value, field="options")
    return ImagineRequest(
        prompt=parsed.prompt,
        negative_prompt=_merge("negative", explicit_negative, "--no", parsed.negative, field="negative_prompt"),
        aspect_ratio=ratio,
        width=width,
        height=height,
        seed=_merge("seed", seed, "--seed", parsed.seed, field="seed"),
        model=_merge("model", model, model_parameter, parsed.model, field="model"),
        count=count,
        options=merged_options,
    )
