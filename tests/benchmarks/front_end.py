"""Figures of the Discord front end on this machine: one ``/imagine`` end to end, and the grid attachment.

    python -m tests.benchmarks.front_end [--runs 20] [--job-seconds 0.6]

1. ``/imagine`` end to end: the real bot (``GridBot``, discord.py) against the fake Discord and a service
   emulator over loopback, with the poll pacing the end-to-end tests use. For each run it reports the time
   from the slash command to the final grid message, and the time after the emulator finished the job (what
   the bot adds: the last poll interval, downloads, grid composition and the upload).
2. 4 × 1024² pictures → one grid attachment: size and format within Discord's default 10 MiB, and the time.
   The pictures are photo-like (smooth shapes plus sensor-like noise), because flat test colours compress
   to almost nothing and would flatter the figure.

Prints a table; numbers are from this machine only.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import random
import statistics
import tempfile
import time
from contextlib import AsyncExitStack
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

from bot.app import GridBot
from bot.config import DEFAULT_UPLOAD_LIMIT, FrontEndSettings
from bot.imaging import compose_grid
from bot.settings import Settings
from tests.emulators.__main__ import _emulator_modules
from tests.emulators.common import serve
from tests.fake_discord import FakeDiscord

SERVICE = "ngpu"


def photo_like(seed: int, side: int = 1024) -> bytes:
    """A PNG that compresses like a photograph: blurred shapes and colour gradients plus fine noise."""
    rng = random.Random(seed)
    image = Image.new("RGB", (side, side), tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x, y, r = rng.randrange(side), rng.randrange(side), rng.randrange(20, side // 3)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rng.randrange(256) for _ in range(3)))
    image = image.filter(ImageFilter.GaussianBlur(12))
    noise = Image.effect_noise((side, side), 18).convert("RGB")
    image = Image.blend(image, noise, 0.12)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def grid_figures(runs: int) -> dict[str, object]:
    pictures = [photo_like(seed) for seed in range(4)]
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = compose_grid(pictures, max_bytes=DEFAULT_UPLOAD_LIMIT)
        times.append(time.perf_counter() - started)
    assert result is not None
    return {
        "inputs": f"4 PNG 1024×1024, {sum(map(len, pictures)) / 2**20:.1f} MiB together",
        "grid": f"{result.width}×{result.height} {result.format}",
        "size": f"{result.size / 2**20:.2f} MiB (limit 10 MiB)",
        "p50 time": f"{statistics.median(times) * 1000:.0f} ms",
    }


async def imagine_figures(runs: int, job_seconds: float) -> dict[str, object]:
    module = _emulator_modules()[SERVICE]
    async with AsyncExitStack() as stack:
        url = await stack.enter_async_context(serve(module.make_app(job_seconds)))
        fake = await stack.enter_async_context(FakeDiscord())
        folder = stack.enter_context(tempfile.TemporaryDirectory())
        environment = {
            f"{SERVICE.upper()}_BASE_URL": url,
            **module.ENV_SETTINGS,
            "DISCORD_TOKEN": fake.token,
            "DISCORD_API_BASE": fake.api_base,
            "DISCORD_GATEWAY_URL": fake.gateway_url,
            "DATABASE_PATH": str(Path(folder) / "bench.sqlite3"),
        }
        os.environ.update(environment)
        front_end = FrontEndSettings(
            progress_edit_interval_seconds=0.2, poll_interval_scale=0.03, guild_ready_timeout=0.05,
            token_safety_margin_seconds=0,
        )
        bot = GridBot(Settings(), services={SERVICE: _provider_class()}, front_end=front_end)
        totals: list[float] = []
        async with fake.running(bot):
            for number in range(runs):
                started = time.monotonic()
                interaction = await fake.send_slash_command(
                    "imagine", {"prompt": f"a lighthouse, take {number}", "provider": SERVICE}, user=fake.member
                )
                await fake.wait_for_original(interaction, lambda m: bool(m.attachments) and not m.loading, timeout=30)
                totals.append(time.monotonic() - started)
    return {
        "service": f"{SERVICE} emulator, jobs take {job_seconds:g} s",
        "runs": runs,
        "p50 command → grid": f"{statistics.median(totals):.2f} s",
        "max command → grid": f"{max(totals):.2f} s",
        "p50 added by the bot": f"{(statistics.median(totals) - job_seconds) * 1000:.0f} ms",
    }


def _provider_class() -> type:
    from providers.registry import PROVIDERS

    return PROVIDERS[SERVICE]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--job-seconds", type=float, default=0.6)
    arguments = parser.parse_args()
    figures = {
        "/imagine end to end": asyncio.run(imagine_figures(arguments.runs, arguments.job_seconds)),
        "4 × 1024² grid attachment": grid_figures(max(3, arguments.runs // 4)),
    }
    for title, rows in figures.items():
        print(f"\n{title}")
        for name, value in rows.items():
            print(f"  {name:<24} {value}")


if __name__ == "__main__":
    main()
