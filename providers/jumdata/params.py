"""What the Jumdata submit accepts (seed 003), and the checks run before anything is sent.

The style names are sent exactly as the document spells them (Chinese, plus ``low poly``); the English
labels are only for a later UI (a Discord choice's name, with the Chinese value).
"""

from __future__ import annotations

from providers.core.errors import InvalidInputError
from providers.core.validation import nearest_size, parse_aspect_ratio

#: the provider's registry name (``JumdataProvider.name``), also the service named in unknown-value reports
PROVIDER = "jumdata"
SERVICE = "Jumdata AI绘画"

#: "长度不超过100个字": counted in characters, not bytes (a Chinese prompt of 100 characters is fine)
MAX_TEXT_CHARS = 100
MIN_IMAGES = 1
MAX_IMAGES = 6

#: the wire value → (width, height). Inference: "W*H" is width first, as ``1536*1024`` for landscape suggests.
RESOLUTIONS: dict[str, tuple[int, int]] = {
    "1024*1024": (1024, 1024),
    "1024*1536": (1024, 1536),
    "1536*1024": (1536, 1024),
}
DEFAULT_RESOLUTION = "1024*1024"

STYLES: tuple[str, ...] = (
    "探索无限",
    "古风",
    "二次元",
    "写实风格",
    "浮世绘",
    "low poly",
    "未来主义",
    "像素风格",
    "概念艺术",
    "赛博朋克",
    "洛丽塔风格",
    "巴洛克风格",
    "超现实主义",
    "水彩画",
    "蒸汽波艺术",
    "油画",
    "卡通画",
)
DEFAULT_STYLE = "探索无限"

#: style (the value sent) → a label an English-speaking member understands
STYLE_LABELS: dict[str, str] = {
    "探索无限": "Explore (探索无限)",
    "古风": "Classical Chinese (古风)",
    "二次元": "Anime (二次元)",
    "写实风格": "Realistic (写实风格)",
    "浮世绘": "Ukiyo-e (浮世绘)",
    "low poly": "Low poly",
    "未来主义": "Futurism (未来主义)",
    "像素风格": "Pixel art (像素风格)",
    "概念艺术": "Concept art (概念艺术)",
    "赛博朋克": "Cyberpunk (赛博朋克)",
    "洛丽塔风格": "Lolita fashion (洛丽塔风格)",
    "巴洛克风格": "Baroque (巴洛克风格)",
    "超现实主义": "Surrealism (超现实主义)",
    "水彩画": "Watercolour (水彩画)",
    "蒸汽波艺术": "Vaporwave (蒸汽波艺术)",
    "油画": "Oil painting (油画)",
    "卡通画": "Cartoon (卡通画)",
}


def resolution_of(size: tuple[int, int]) -> str:
    """``(1024, 1536)`` → ``"1024*1536"``."""
    return f"{size[0]}*{size[1]}"


def resolution_for(
    aspect_ratio: str | None = None, width: int | None = None, height: int | None = None
) -> str:
    """The resolution to send: an exact supported size, else the nearest shape to the ratio, else square."""
    if width is not None or height is not None:
        if width is None or height is None:
            raise InvalidInputError(
                f"{SERVICE} needs both a width and a height (or an aspect ratio such as 2:3).",
                field="width" if width is None else "height",
                key="needs_width_and_height",
                values={"service": SERVICE},
            )
        text = resolution_of((width, height))
        if text not in RESOLUTIONS:
            raise InvalidInputError(
                f"{SERVICE} only makes {_sizes()}; you asked for {width}×{height}.",
                field="width",
                key="size_not_made",
                values={"service": SERVICE, "sizes": _sizes(), "width": width, "height": height},
            )
        return text
    if aspect_ratio is not None:
        return resolution_of(nearest_size(parse_aspect_ratio(aspect_ratio), tuple(RESOLUTIONS.values())))
    return DEFAULT_RESOLUTION


def check_submit(text: str, resolution: str, style: str, num: int) -> None:
    """Raise ``InvalidInputError`` naming the limit and what was given, before a billed call is made."""
    length = len(text)
    if not text.strip():
        raise InvalidInputError(
            "The prompt is empty; describe what you want to see.", field="prompt", key="prompt_empty"
        )
    if length > MAX_TEXT_CHARS:
        raise InvalidInputError(
            f"{SERVICE} accepts prompts of at most {MAX_TEXT_CHARS} characters; yours has {length}.",
            field="prompt",
            key="prompt_too_long",
            values={"service": SERVICE, "limit": MAX_TEXT_CHARS, "length": length},
        )
    if resolution not in RESOLUTIONS:
        raise InvalidInputError(
            f"{SERVICE} only makes {_sizes()}; “{resolution}” is not one of them.",
            field="resolution",
            key="resolution_not_made",
            values={"service": SERVICE, "sizes": _sizes(), "resolution": resolution},
        )
    if style not in STYLES:
        raise InvalidInputError(
            f"{SERVICE} has no style “{style}”. Choose one of: {', '.join(STYLES)}.",
            field="style",
            key="style_unknown",
            values={"service": SERVICE, "style": style, "styles": ", ".join(STYLES)},
        )
    if isinstance(num, bool) or not isinstance(num, int) or not MIN_IMAGES <= num <= MAX_IMAGES:
        raise InvalidInputError(
            f"{SERVICE} makes {MIN_IMAGES} to {MAX_IMAGES} images per request (each one is billed); "
            f"you asked for {num}.",
            field="count",
            key="images_per_request",
            values={"service": SERVICE, "low": MIN_IMAGES, "high": MAX_IMAGES, "count": num},
        )


def _sizes() -> str:
    return ", ".join(f"{w}×{h}" for w, h in RESOLUTIONS.values())
