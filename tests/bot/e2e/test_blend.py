"""/blend end to end: attachments from the fake Discord, the Midjourney-style emulator fetching them by link,
the grid and its U/V/🔄 buttons; bad attachments and missing services answered privately with nothing sent. The
service's blend takes the links alone, so /blend offers a shape only when MIDJOURNEY_BLEND_READS_AR says the
operator's service reads ``--ar`` after them."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator

import aiohttp
import pytest
from PIL import Image
from pydantic import SecretStr

from bot.app import GridBot
from bot.exts.blend._shapes import offered_shapes, shape_refusal
from bot.i18n import t
from bot.settings import Settings
from providers.core.models import JobKind
from providers.midjourney.models import MidjourneyCredentials
from providers.midjourney.provider import MidjourneyProvider
from providers.midjourney.settings import MidjourneySettings
from providers.registry import PROVIDERS
from storage.lifecycle import LifecycleState
from tests.bot.e2e.conftest import Stack
from tests.bot.e2e.test_imagine import GRID, assert_finished_cleanly, assert_is_grid, job_of, picture, settled
from tests.emulators import midjourney as midjourney_emulator
from tests.fake_discord import InteractionRecord, Upload

COLOURS = [(200, 40, 40), (40, 160, 60), (40, 60, 200), (220, 200, 40), (120, 40, 160)]


def png(name: str, colour: tuple[int, int, int], size: tuple[int, int] = (96, 96)) -> Upload:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return Upload(name, buffer.getvalue(), "image/png")


def images(count: int) -> dict[str, Upload]:
    return {f"image{n}": png(f"photo{n}.png", COLOURS[n - 1]) for n in range(1, count + 1)}


def mj_job_requests(stack: Stack) -> list[dict]:
    return [r for r in stack.emulators["midjourney"][midjourney_emulator.REQUESTS_KEY] if "/jobs/" in r["path"]]


async def blend(stack: Stack, options: dict, locale: str = "en-US"):
    return await stack.fake.send_slash_command("blend", options, user=stack.fake.member, locale=locale)


async def refusal(stack: Stack, options: dict, locale: str = "en-US"):
    answer = await stack.fake.wait_for_original(await blend(stack, options, locale))
    assert answer.ephemeral and not answer.loading and answer.content.startswith("⚠️"), answer.content
    return answer


def _links(interaction: InteractionRecord, count: int) -> list[str]:
    attached = interaction.payload["data"]["resolved"]["attachments"]
    options = {o["name"]: o["value"] for o in interaction.payload["data"]["options"]}
    return [attached[options[f"image{n}"]]["url"] for n in range(1, count + 1)]


async def test_three_images_are_blended_from_their_links_alone_and_the_service_picks_the_shape(
    stack: Stack, bot
) -> None:
    interaction = await blend(stack, images(3))
    final = await stack.final(interaction)

    assert_finished_cleanly(final)
    grid = assert_is_grid(final)
    assert grid.width == grid.height, grid.size  # the shape the service picked
    assert final.button_labels == GRID
    assert final.content.startswith("**Blend** · ") and f"<@{stack.fake.member.id}>" in final.content
    assert "Midjourney-style API" in final.content

    [sent] = [r["body"] for r in mj_job_requests(stack) if r["path"].endswith("/jobs/blend")]
    [record] = await settled(bot, stack.fake.member.id, 1)
    assert sent["content"] == " ".join(_links(interaction, 3))  # as documented: nothing but the links
    assert (record.kind, record.state, record.provider) == (JobKind.BLEND, LifecycleState.DELIVERED, "midjourney")
    assert record.id == job_of(final)


def _reading_ar(stack: Stack) -> Settings:
    """The bot's settings with MIDJOURNEY_BLEND_READS_AR on, and the emulator playing a service that reads it."""
    midjourney_emulator.set_variants(stack.emulators["midjourney"], ["blend_reads_ar"])
    services = dict(stack.settings.services)
    services["midjourney"] = services["midjourney"].model_copy(update={"blend_reads_ar": True})
    return stack.settings.model_copy(update={"services": services})


@pytest.fixture
async def ar_bot(stack: Stack) -> AsyncIterator[GridBot]:
    bot = GridBot(_reading_ar(stack), front_end=stack.front_end)
    stack.bots.append(bot)
    async with stack.running(bot):
        yield bot


async def test_when_the_service_reads_ar_the_three_shapes_are_offered_and_a_portrait_is_sent(
    stack: Stack, ar_bot: GridBot
) -> None:
    [command] = [c for c in stack.fake.commands() if c["name"] == "blend"]
    options = {option["name"]: option for option in command["options"]}
    assert list(options) == ["image1", "image2", "image3", "image4", "image5", "dimensions", "provider"]
    assert [c["value"] for c in options["dimensions"]["choices"]] == ["1:1", "2:3", "3:2"]
    assert options["dimensions"]["choices"][1]["name_localizations"]["zh-CN"] == "竖版 (2:3)"

    interaction = await blend(stack, {**images(3), "dimensions": "2:3"})
    final = await stack.final(interaction)
    grid = assert_is_grid(final)
    assert grid.height > grid.width, grid.size  # 2:3
    [sent] = [r["body"] for r in mj_job_requests(stack) if r["path"].endswith("/jobs/blend")]
    assert sent["content"] == " ".join(_links(interaction, 3)) + " --ar 2:3"
    await settled(ar_bot, stack.fake.member.id, 1)


async def test_u2_under_a_blend_upscales_its_second_image(stack: Stack, bot) -> None:
    grid_message = await stack.final(await blend(stack, images(2)))
    job_id = job_of(grid_message)

    upscaled = await stack.final(await stack.fake.click_button(grid_message, f"job:{job_id}:U2"))

    assert "Image #2" in upscaled.content
    picture(upscaled)
    await settled(bot, stack.fake.member.id, 2)
    [child] = await bot.store.children(job_id)
    assert (child.kind, child.grid_index, child.state) == (JobKind.UPSCALE, 2, LifecycleState.DELIVERED)


async def test_the_command_offers_only_services_that_can_blend_and_no_shape_the_service_cannot_be_told(
    stack: Stack, bot
) -> None:
    [command] = [c for c in stack.fake.commands() if c["name"] == "blend"]
    options = {option["name"]: option for option in command["options"]}
    assert list(options) == ["image1", "image2", "image3", "image4", "image5", "provider"]
    assert [o["required"] for o in options.values()] == [True] + [False] * 5
    assert [c["value"] for c in options["provider"]["choices"]] == ["midjourney"]


@pytest.mark.parametrize(
    ("options", "says"),
    [
        (images(1), "blends 2 to 5 images; you attached 1"),
        ({**images(1), "image2": Upload("notes.txt", b"just words", "text/plain")}, "“notes.txt” is not an image"),
        ({**images(1), "image2": Upload("notes.png", b"just words", "text/plain")}, "“notes.png” is not an image"),
        ({**images(1), "image2": Upload("huge.png", b"\0" * (10 * 1024 * 1024 + 1), "image/png")}, "up to 10 MiB"),
    ],
    ids=["one image", "a text file", "a text file named .png", "too large"],
)
async def test_bad_attachments_are_refused_privately_and_nothing_is_sent(
    stack: Stack, bot, options: dict, says: str
) -> None:
    answer = await refusal(stack, options)

    assert says in answer.content
    assert await bot.store.jobs_for_owner(stack.fake.member.id, 10) == []
    assert mj_job_requests(stack) == []


async def test_an_image_without_a_content_type_is_judged_by_its_name(stack: Stack, bot) -> None:
    plain = png("photo1.png", COLOURS[0])
    untyped = {"image1": Upload(plain.filename, plain.data), "image2": Upload("photo2.jpeg", png("x", COLOURS[1]).data)}
    final = await stack.final(await blend(stack, untyped))
    assert_is_grid(final)

    answer = await refusal(stack, {"image1": Upload("photo1", plain.data), "image2": png("b.png", COLOURS[1])})
    assert "“photo1” is not an image" in answer.content


async def test_refusals_follow_the_members_language(stack: Stack, bot) -> None:
    answer = await refusal(stack, images(1), locale="zh-CN")
    assert "你附上了 1 张" in answer.content


async def test_without_a_service_that_can_blend_the_member_is_told_which_can(stack: Stack) -> None:
    async with stack.running(stack.new_bot(services={"picpik": PROVIDERS["picpik"], "ngpu": PROVIDERS["ngpu"]})) as bot:
        [command] = [c for c in stack.fake.commands() if c["name"] == "blend"]
        assert "choices" not in {o["name"]: o for o in command["options"]}["provider"]
        answer = await refusal(stack, images(3))

        assert answer.content == "⚠️ " + t("blend.none_configured", "en", able="Midjourney-style API")
        assert await bot.store.jobs_for_owner(stack.fake.member.id, 10) == []
    assert mj_job_requests(stack) == []


# --- the shapes, as the cog decides them ------------------------------------------------------------------------


def test_the_shapes_offered_follow_the_setting() -> None:
    services = {"midjourney": MidjourneyProvider, "picpik": PROVIDERS["picpik"]}  # picpik cannot blend
    default = {"midjourney": MidjourneySettings(_env_file=None)}  # type: ignore[call-arg]
    reads = {"midjourney": MidjourneySettings(_env_file=None, blend_reads_ar=True)}  # type: ignore[call-arg]
    assert offered_shapes(services, default) == []
    assert [choice.value for choice in offered_shapes(services, reads)] == ["1:1", "2:3", "3:2"]
    assert offered_shapes({"picpik": PROVIDERS["picpik"]}, {}) == []


@pytest.mark.parametrize(
    ("locale", "says"),
    [
        ("en-US", "Midjourney-style API picks the shape of a blend itself, so it cannot be asked for Portrait (2:3)."),
        ("zh-CN", "Midjourney-style API 会自行决定混合结果的形状，无法指定为竖版 (2:3)。"),
    ],
)
async def test_a_shape_picked_for_a_service_that_picks_its_own_is_refused_plainly(locale: str, says: str) -> None:
    credentials = MidjourneyCredentials(username="u", password=SecretStr("p"))
    async with aiohttp.ClientSession() as session:
        picks = MidjourneyProvider(session, MidjourneySettings(_env_file=None), credentials)  # type: ignore[call-arg]
        told = MidjourneyProvider(
            session, MidjourneySettings(_env_file=None, blend_reads_ar=True), credentials  # type: ignore[call-arg]
        )
        refusal = shape_refusal(picks, "2:3", locale)
        assert refusal is not None and refusal.startswith(says) and "/blend" in refusal
        assert shape_refusal(picks, None, locale) is None
        assert shape_refusal(told, "2:3", locale) is None
