"""Reading what a member typed: Midjourney-style parameters inside a prompt."""

from bot.prompting.parameters import (
    KNOWN_PARAMETERS,
    OPTION_PARAMETERS,
    ParsedPrompt,
    PromptParameterError,
    parse_prompt,
    render_prompt,
    to_imagine_request,
)

__all__ = [
    "KNOWN_PARAMETERS",
    "OPTION_PARAMETERS",
    "ParsedPrompt",
    "PromptParameterError",
    "parse_prompt",
    "render_prompt",
    "to_imagine_request",
]
