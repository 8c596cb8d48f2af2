"""The contract every registered provider meets against its emulator, over real HTTP on loopback.

Each service contributes one ``ProviderCase`` (in ``tests/providers/cases/<service>.py``); the tests in
``test_contract.py`` run every declared capability end to end and every listed fault.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from aiohttp import web
from PIL import Image
from pydantic import BaseModel

from providers.core.base import Provider, ServiceSettings
from providers.core.errors import ProviderError
from providers.core.models import ImageData, ImagineRequest, JobHandle, JobState
from providers.core.url_policy import FetchSettings

S = TypeVar("S", bound=ServiceSettings)


@dataclass(frozen=True)
class FaultCase:
    """Arm ``fault`` on the emulator, then ``stage`` ("submit" or "poll") must raise ``error``."""

    fault: str
    stage: str
    error: type[ProviderError]


@dataclass
class ProviderCase:
    name: str
    provider_class: type[Provider]
    #: builds the emulator app; the argument is the job duration in seconds
    make_emulator: Callable[[float], web.Application]
    #: settings pointing at the emulator's base URL (timeouts and retries short for tests)
    make_settings: Callable[[str], ServiceSettings]
    credentials: BaseModel
    bad_credentials: BaseModel
    imagine_request: ImagineRequest
    #: images expected in a finished imagine (4 separate images, or 1 service-made grid)
    imagine_images: int = 4
    faults: tuple[FaultCase, ...] = ()
    #: the emulator fault that makes the next submitted job fail, and the failure kind expected
    job_failure_fault: str | None = None
    job_failure_kind: str = "job_failed"
    #: provider-specific arguments for the follow-ups
    extra: dict[str, object] = field(default_factory=dict)
    #: the emulator's named readings of contested facts (its ``VARIANTS``); the bot must deliver under each
    variants: Mapping[str, str] = field(default_factory=dict)
    #: settings an operator would set once they know their service plays a variant (also tried, besides defaults)
    variant_settings: dict[str, dict[str, object]] = field(default_factory=dict)

    def variant_runs(self) -> list[tuple[str, str]]:
        """``(variant, "defaults" | "setting")`` pairs: every variant with default settings, and with its setting."""
        runs = [(variant, "defaults") for variant in self.variants]
        runs += [(variant, "setting") for variant in self.variant_settings]
        return runs


def fast_settings(settings_class: type[S], base_url: str, **overrides: object) -> S:
    """Settings pointing at an emulator, with short timeouts and retries so fault tests stay quick.
    No ``.env`` is read, so a developer's own file cannot change what a test sees."""
    values: dict[str, object] = {
        "base_url": base_url,
        "timeout_seconds": 0.5,
        "retry_attempts": 2,
        "retry_base_delay_seconds": 0.01,
        # member images come from a loopback stand-in for Discord's CDN, refused by the default fetch policy
        "fetch": FetchSettings(_env_file=None, allowed_networks="127.0.0.0/8"),  # type: ignore[call-arg]
        **overrides,
    }
    return settings_class(_env_file=None, **values)  # type: ignore[call-arg]


def decoded_size(data: bytes) -> tuple[int, int]:
    """Decode image bytes with Pillow (proves they are a real image) and return (W, H)."""
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        return image.size


async def run_to_end(
    provider: Provider, handle: JobHandle, *, timeout: float = 15.0
) -> tuple[JobState, list[JobState]]:
    """Poll until the job is finished or failed; return the final state and every state seen."""
    seen: list[JobState] = []
    async with asyncio.timeout(timeout):
        while True:
            state = await provider.poll(handle)
            seen.append(state)
            if state.status.is_terminal:
                return state, seen
            await asyncio.sleep(0.05)


def sample_image(base_url: str, number: int) -> ImageData:
    """A user-supplied image as the bot would pass it: its link and its bytes."""
    return ImageData(url=f"{base_url}/img/{number}.png", content_type="image/png", filename=f"{number}.png")


def image_host_app() -> web.Application:
    """Stands in for Discord's attachment CDN: serves real PNGs at /img/<n>.png."""
    from tests.emulators.common import png_bytes

    async def image(request: web.Request) -> web.Response:
        number = int(request.match_info["number"])
        return web.Response(body=png_bytes(256, 256, seed=number), headers={"Content-Type": "image/png"})

    app = web.Application()
    app.router.add_get("/img/{number}.png", image)
    return app
