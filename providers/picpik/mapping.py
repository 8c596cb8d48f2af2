"""The bot's ``ImagineRequest`` → ``GenerateImages`` parameters.

``options`` may carry Picpik extras (names below); anything else is refused so a typo is not ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from providers.core.errors import InvalidInputError
from providers.core.models import ImagineRequest
from providers.core.validation import parse_aspect_ratio, size_for_ratio
from providers.picpik.generation_rules import LORA_WEIGHT, REFER_STRENGTH
from providers.picpik.models import GenerateImagesRequest, InferenceParameters, PicpikModel

#: option name → what it means (also the help text when an unknown option is given)
OPTIONS: dict[str, str] = {
    "lora": "LoRA ModelCode, or a list of them, or a list of {code, weight}",
    "lora_weight": f"the weight of the LoRAs named by code ({LORA_WEIGHT[0]:g} to {LORA_WEIGHT[1]:g})",
    "sub_models": "embedding or hypernetwork ModelCodes",
    "translate_prompts": "translate the prompt into English first (true/false)",
    "tileable": "make a seamless, tileable texture (true/false)",
    "use_main_model_vae": "use the main model's own VAE (true/false)",
    "refer_strength": "how closely V1–V4 and remix follow the chosen image (0 to 1)",
}


@dataclass(frozen=True)
class PicpikOptions:
    sub_models: tuple[PicpikModel, ...] = ()
    translate_prompts: bool | None = None
    tileable: bool | None = None
    use_main_model_vae: bool | None = None
    refer_strength: float | None = None


def _bad(message: str, *, key: str, values: Mapping[str, object] | None = None) -> InvalidInputError:
    return InvalidInputError(message, field="options", provider="picpik", key=key, values=values)


def _flag(options: dict[str, Any], name: str) -> bool | None:
    value = options.get(name)
    if value is None or isinstance(value, bool):
        return value
    raise _bad(
        f"The option {name} must be true or false; you gave {value!r}.",
        key="option_true_or_false",
        values={"name": name, "value": repr(value)},
    )


def _number(options: dict[str, Any], name: str, bounds: tuple[float, float]) -> float | None:
    value = options.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not bounds[0] <= value <= bounds[1]:
        raise _bad(
            f"The option {name} must be a number from {bounds[0]:g} to {bounds[1]:g}; you gave {value!r}.",
            key="option_between",
            values={"name": name, "low": f"{bounds[0]:g}", "high": f"{bounds[1]:g}", "value": repr(value)},
        )
    return float(value)


def _codes(value: Any, name: str) -> list[Any]:
    if value is None:
        return []
    items = [value] if isinstance(value, str | dict) else value
    if not isinstance(items, list | tuple):
        raise _bad(
            f"The option {name} must be a ModelCode or a list of them.", key="option_model_codes", values={"name": name}
        )
    return list(items)


def _loras(options: dict[str, Any]) -> list[PicpikModel]:
    default_weight = _number(options, "lora_weight", LORA_WEIGHT)
    models = []
    for item in _codes(options.get("lora"), "lora"):
        if isinstance(item, str) and item.strip():
            code, weight = item.strip(), default_weight
        elif isinstance(item, dict) and isinstance(item.get("code"), str) and item["code"].strip():
            code, weight = item["code"].strip(), _number(item, "weight", LORA_WEIGHT)
        else:
            raise _bad(
                f"Each LoRA must be a ModelCode or {{code, weight}}; you gave {item!r}.",
                key="lora_entry",
                values={"value": repr(item)},
            )
        params = InferenceParameters(LoraWeight=weight) if weight is not None else None
        models.append(PicpikModel(ModelCode=code, InferenceParams=params))
    return models


def parse_options(options: dict[str, Any]) -> PicpikOptions:
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        known = "; ".join(f"{name}: {meaning}" for name, meaning in OPTIONS.items())
        raise _bad(
            f"Picpik has no option {', '.join(unknown)}. It understands — {known}.",
            key="picpik_option_unknown",
            values={"unknown": ", ".join(unknown), "known": known},
        )
    sub_models = _loras(options)
    for item in _codes(options.get("sub_models"), "sub_models"):
        if not isinstance(item, str) or not item.strip():
            raise _bad(
                f"sub_models takes ModelCodes; you gave {item!r}.", key="sub_models_entry", values={"value": repr(item)}
            )
        sub_models.append(PicpikModel(ModelCode=item.strip()))
    return PicpikOptions(
        sub_models=tuple(sub_models),
        translate_prompts=_flag(options, "translate_prompts"),
        tileable=_flag(options, "tileable"),
        use_main_model_vae=_flag(options, "use_main_model_vae"),
        refer_strength=_number(options, "refer_strength", REFER_STRENGTH),
    )


def image_size(request: ImagineRequest, long_side: int) -> tuple[int, int]:
    """Width and height: as given, else from the aspect ratio (longer side ``long_side``, multiples of 64)."""
    ratio = parse_aspect_ratio(request.aspect_ratio) if request.aspect_ratio else (1, 1)
    width, height = size_for_ratio(ratio, long_side=long_side, step=64)
    return request.width or width, request.height or height


def generation_params(request: ImagineRequest, *, default_model: str, long_side: int) -> dict[str, Any]:
    """JSON-ready ``GenerateImages`` parameters without images (kept in the job handle to repeat the job)."""
    options = parse_options(request.options)
    width, height = image_size(request, long_side)
    negative = (request.negative_prompt or "").strip()
    generate = GenerateImagesRequest(
        MainModel=PicpikModel(ModelCode=(request.model or default_model).strip()),
        SubModelList=list(options.sub_models) or None,
        PositivePrompts=[request.prompt.strip()],
        NegativePrompts=[negative] if negative else None,
        TranslatePrompts=options.translate_prompts,
        Seed=-1 if request.seed is None else request.seed,
        Width=width,
        Height=height,
        BatchSize=request.count,
        UseMainModelVAE=options.use_main_model_vae,
        Tileable=options.tileable,
    )
    return generate.to_params()
