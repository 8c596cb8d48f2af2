"""Every raw client method against the emulator over real HTTP, including login handling and errnos."""

from __future__ import annotations

import asyncio
import re

import pytest
from pydantic import SecretStr

from providers.core.base import MemoryTokenStore
from providers.core.errors import (
    AuthenticationError,
    DecodeError,
    InvalidInputError,
    NotFoundError,
    QuotaError,
    RateLimitedError,
    ServerError,
    SubmitOutcomeUnknownError,
)
from providers.midjourney.client import token_key
from providers.midjourney.models import MidjourneyCredentials
from tests.emulators import midjourney as emulator
from tests.providers.contract import decoded_size
from tests.providers.midjourney.conftest import Emulator, wait_finished

HASH = re.compile(r"^[0-9a-f]{64}$")


async def _image_size(emu: Emulator, url: str) -> tuple[int, int]:
    async with emu.session.get(url) as response:
        assert response.status == 200
        return decoded_size(await response.read())


# --- login and the token cache --------------------------------------------------------------------


async def test_login_returns_a_jwt_and_caches_it_under_a_password_free_key(emu: Emulator) -> None:
    store = MemoryTokenStore()
    client = emu.client(token_store=store)
    data = await client.login()
    assert data.token.count(".") == 2  # a JWT
    assert data.username == emulator.TEST_USERNAME
    key = token_key(emu.url, emulator.TEST_USERNAME)
    assert emulator.TEST_PASSWORD not in key
    assert await store.get(key) == data.token
    (sent,) = emu.sent("/auth/login")
    assert sent["body"] == {"username": emulator.TEST_USERNAME, "password": "***"}  # it was sent (masked here)


async def test_one_login_serves_many_calls_and_every_call_carries_the_token(emu: Emulator) -> None:
    client = emu.client()
    await client.create("a red bicycle")
    await client.find(limit=5)
    await client.find(limit=5)
    assert emu.logins == 1
    assert all(r["authorization"] for r in emu.sent("/jobs/find") + emu.sent("/jobs/create"))


async def test_a_shared_token_store_means_no_new_login(emu: Emulator) -> None:
    store = MemoryTokenStore()
    await emu.client(token_store=store).find()
    await emu.client(token_store=store).find()
    assert emu.logins == 1


async def test_concurrent_first_calls_log_in_once(emu: Emulator) -> None:
    client = emu.client()
    await asyncio.gather(*(client.find(limit=1) for _ in range(8)))
    assert emu.logins == 1
    assert len(emu.sent("/auth/login")) == 1


async def test_expired_token_means_exactly_one_new_login_and_the_call_is_repeated(emu: Emulator) -> None:
    client = emu.client()
    await client.find()
    assert emu.logins == 1
    emu.arm("expire_login", times=1)
    page = await client.find()
    assert page.total == 0
    assert emu.logins == 2
    assert len(emu.sent("/jobs/find")) == 3  # first call, the refused one, and its repeat


async def test_expired_token_with_concurrent_calls_still_logs_in_once(emu: Emulator) -> None:
    client = emu.client()
    await client.find()
    emu.arm("expire_login", times=1)
    await asyncio.gather(*(client.find(limit=1) for _ in range(6)))
    assert emu.logins == 2


async def test_a_second_430_is_an_authentication_error_after_one_relogin(emu: Emulator) -> None:
    client = emu.client()
    await client.find()
    emu.arm("invalid_login")
    with pytest.raises(AuthenticationError) as caught:
        await client.find()
    assert caught.value.code == 430
    assert emu.logins == 2
    assert len(emu.sent("/jobs/find")) == 3


async def test_a_billed_submit_refused_with_430_is_repeated_once_after_login(emu: Emulator) -> None:
    client = emu.client()
    await client.find()
    emu.arm("expire_login", times=1)
    job_hash = await client.create("a sailing boat")
    assert HASH.match(job_hash)
    assert len(emu.sent("/jobs/create")) == 2  # the refused one never created a job
    assert len([j for j in emu.app[emulator.STATE_KEY].jobs if j.job_type == "main"]) == 1


@pytest.mark.parametrize("password", ["wrong-password", ""])
async def test_bad_or_missing_password_is_an_authentication_error(emu: Emulator, password: str) -> None:
    client = emu.client(MidjourneyCredentials(username=emulator.TEST_USERNAME, password=SecretStr(password)))
    with pytest.raises(AuthenticationError) as caught:
        await client.find()
    assert caught.value.code == 301
    assert password not in str(caught.value) or not password
    assert emu.sent("/jobs/find") == []


async def test_login_retries_a_server_error(emu: Emulator) -> None:
    emu.arm("server_error", times=1)
    await emu.client().login()
    assert len(emu.sent("/auth/login")) == 2


# --- create and find ------------------------------------------------------------------------------


async def test_create_then_follow_the_job_to_a_real_grid(emu: Emulator) -> None:
    client = emu.client()
    job_hash = await client.create("a lighthouse --ar 2:1 --seed 5")
    assert HASH.match(job_hash)
    assert emu.sent("/jobs/create")[0]["body"] == {"content": "a lighthouse --ar 2:1 --seed 5"}
    job = await wait_finished(client, job_hash)
    assert job.status == 2000
    assert job.msg_content == "a lighthouse --ar 2:1 --seed 5"
    assert job.job_id and job.job_id != job_hash
    assert job.job_type == "main"
    assert job.error == "altered prompt"
    width, height = await _image_size(emu, job.img_buffer or "")
    assert (width, height) == (job.img_width, job.img_height)
    assert width == 2 * height


async def test_running_jobs_report_progress_and_a_preview(emu: Emulator) -> None:
    client = emu.client()
    job_hash = await client.create("a slow painting")
    seen = []
    async with asyncio.timeout(5):
        while not seen or seen[-1].status != 2000:
            job = await client.find_job(job_hash)
            assert job is not None
            seen.append(job)
            await asyncio.sleep(0.02)
    running = [j for j in seen if j.pct_prog]
    assert running, "never saw a progress figure"
    assert all(0 < j.pct_prog <= 100 for j in running)
    assert await _image_size(emu, running[0].img_prog or "") == (64, 64)


async def test_find_filters_order_and_cursor(emu: Emulator) -> None:
    client = emu.client()
    hashes = [await client.create(f"picture number {n}") for n in range(4)]
    await client.create("a niji cat --niji")
    page = await client.find(limit=3)
    assert page.total == 5
    assert len(page.res) == 3
    stamps = [job.timestamp_ms for job in page.res]
    assert stamps == sorted(stamps, reverse=True)  # newest first
    older = await client.find(limit=10, timestamp_smaller_than=stamps[-1])
    assert [j.hash for j in older.res] == [hashes[1], hashes[0]]
    assert [j.hash for j in (await client.find(prompt="NUMBER 2")).res] == [hashes[2]]
    assert len((await client.find(service=["niji"])).res) == 1
    assert (await client.find(job_type=["upscale"])).total == 0
    assert (await client.find(favourite=True)).res == []
    assert (await client.find(folders=["some_folder_id"])).res == []
    assert emu.sent("/jobs/find")[1]["body"] == {"limit": 10, "timestamp_smaller_than": stamps[-1]}


async def test_find_with_an_invalid_limit_is_errno_301(emu: Emulator) -> None:
    with pytest.raises(InvalidInputError) as caught:
        await emu.client().find(limit=0)
    assert caught.value.code == 301


async def test_find_job_pages_back_to_an_old_job(emu: Emulator) -> None:
    client = emu.client(page_size=50, max_pages=5)
    target = await client.create("the one to find")
    emulator.add_jobs(emu.app, 120)
    job = await client.find_job(target)
    assert job is not None and job.hash == target
    bodies = [r["body"] for r in emu.sent("/jobs/find")]
    assert len(bodies) == 3
    assert "timestamp_smaller_than" not in bodies[0]
    assert bodies[2]["timestamp_smaller_than"] < bodies[1]["timestamp_smaller_than"]  # the cursor moves back
    assert all(b["limit"] == 50 for b in bodies)


async def test_find_job_is_bounded(emu: Emulator) -> None:
    client = emu.client(page_size=10, max_pages=2)
    target = await client.create("too deep")
    emulator.add_jobs(emu.app, 40)
    assert await client.find_job(target) is None
    assert len(emu.sent("/jobs/find")) == 2


async def test_find_job_stops_at_the_last_page_and_at_the_submit_time(emu: Emulator) -> None:
    client = emu.client(page_size=10, max_pages=5)
    emulator.add_jobs(emu.app, 25)
    assert await client.find_job("0" * 64) is None
    assert len(emu.sent("/jobs/find")) == 3  # 10 + 10 + 5: the short page ends the search
    newest = (await client.find(limit=1)).res[0].timestamp_ms
    assert newest is not None
    assert await client.find_job("0" * 64, newer_than_ms=newest) is None
    assert len(emu.sent("/jobs/find")) == 5  # one more call for the limit=1 page, one page of the search


async def test_jobs_sharing_a_millisecond_across_pages_are_not_skipped(emu: Emulator) -> None:
    client = emu.client(page_size=10, max_pages=5)
    tied = emulator.add_jobs(emu.app, 8, timestamp_ms=1_000_000)
    emulator.add_jobs(emu.app, 5, timestamp_ms=2_000_000)
    job = await client.find_job(tied[-1])  # page 1 ends in the middle of the 1_000_000 group
    assert job is not None
    assert emu.sent("/jobs/find")[1]["body"]["timestamp_smaller_than"] == 1_000_001


# --- follow-ups -----------------------------------------------------------------------------------


async def test_variation_and_remix_point_at_the_parent_job_id(emu: Emulator) -> None:
    client = emu.client()
    parent = await wait_finished(client, await client.create("a castle"))
    variation = await client.variation(parent.job_id or "", 3)
    remix = await client.variation(parent.job_id or "", 1, content="a castle at night --ar 3:2")
    assert emu.sent("/jobs/variation")[0]["body"] == {"parent_id": parent.job_id, "grid_num": 3}
    assert emu.sent("/jobs/variation")[1]["body"]["content"] == "a castle at night --ar 3:2"
    done = await wait_finished(client, variation)
    assert (done.parent_hash, done.parent_id, done.grid_num, done.job_type) == (
        parent.hash, parent.job_id, 3, "variation"
    )
    remixed = await wait_finished(client, remix)
    assert remixed.msg_content == "a castle at night --ar 3:2"
    width, height = await _image_size(emu, remixed.img_buffer or "")
    assert width > height


async def test_upscale_gives_one_larger_image(emu: Emulator) -> None:
    client = emu.client()
    parent = await wait_finished(client, await client.create("a tree"))
    job_hash = await client.upscale(parent.hash or "", 2)
    assert emu.sent("/jobs/upscale")[0]["body"] == {"parent_hash": parent.hash, "grid_num": 2}
    done = await wait_finished(client, job_hash)
    assert done.job_type == "upscale"
    assert await _image_size(emu, done.img_buffer or "") == (256, 256)


async def test_errno_410_420_421_for_bad_parents(emu: Emulator) -> None:
    client = emu.client()
    with pytest.raises(NotFoundError) as unknown_hash:
        await client.upscale("f" * 64, 1)
    assert unknown_hash.value.code == 410
    with pytest.raises(NotFoundError) as unknown_id:
        await client.variation("00000000-0000-0000-0000-000000000000", 1)
    assert unknown_id.value.code == 420
    parent = await wait_finished(client, await client.create("a bridge"))
    upscaled = await wait_finished(client, await client.upscale(parent.hash or "", 1))
    with pytest.raises(InvalidInputError) as wrong_type:
        await client.upscale(upscaled.hash or "", 1)
    assert wrong_type.value.code == 421


async def test_grid_num_is_checked_before_sending(emu: Emulator) -> None:
    client = emu.client()
    for bad in (0, 5, True):
        with pytest.raises(InvalidInputError):
            await client.upscale("a" * 64, bad)
        with pytest.raises(InvalidInputError):
            await client.variation("some-id", bad)
    assert emu.sent("/jobs/upscale") == [] and emu.sent("/jobs/variation") == []


async def test_blend_sends_the_links_alone_and_the_service_picks_a_square(emu: Emulator) -> None:
    client = emu.client()
    links = [emu.image_link(n) for n in (1, 2, 3)]
    job_hash = await client.blend(links)
    assert emu.sent("/jobs/blend")[0]["body"] == {"content": " ".join(links)}
    done = await wait_finished(client, job_hash)
    assert done.job_type == "blend"
    width, height = await _image_size(emu, done.img_buffer or "")
    assert width == height


async def test_a_ratio_after_the_links_is_refused_unless_the_service_reads_it(emu: Emulator) -> None:
    client = emu.client()
    links = [emu.image_link(n) for n in (1, 2)]
    with pytest.raises(InvalidInputError) as caught:
        await client.blend(links, "--ar 2:3")
    assert caught.value.code == 301 and "nothing else" in caught.value.user_message

    emu.play("blend_reads_ar")
    job_hash = await client.blend(links, "--ar 2:3")
    assert emu.sent("/jobs/blend")[1]["body"] == {"content": " ".join(links) + " --ar 2:3"}
    width, height = await _image_size(emu, (await wait_finished(client, job_hash)).img_buffer or "")
    assert height > width
    with pytest.raises(InvalidInputError) as other_words:
        await client.blend(links, "--stylize 50")
    assert other_words.value.code == 301


async def test_blend_link_count_and_shape_are_checked_before_sending(emu: Emulator) -> None:
    client = emu.client()
    with pytest.raises(InvalidInputError, match="2 to 5"):
        await client.blend([emu.image_link(1)])
    with pytest.raises(InvalidInputError, match="2 to 5"):
        await client.blend([emu.image_link(n) for n in range(6)])
    with pytest.raises(InvalidInputError, match="link"):
        await client.blend([emu.image_link(1), "file:///etc/passwd"])
    assert emu.sent("/jobs/blend") == []


async def test_blend_of_something_that_is_not_an_image_is_errno_301(emu: Emulator) -> None:
    with pytest.raises(InvalidInputError) as caught:
        await emu.client().blend([emu.image_link(1), f"{emu.image_url}/not-there.png"])
    assert caught.value.code == 301
    assert "link 2" in caught.value.user_message


async def test_describe_gives_four_numbered_prompts(emu: Emulator) -> None:
    client = emu.client()
    job_hash = await client.describe(emu.image_link(4))
    assert emu.sent("/jobs/describe")[0]["body"] == {"content": emu.image_link(4)}
    done = await wait_finished(client, job_hash)
    assert done.job_type == "describe"
    assert [f"{n}\ufe0f\u20e3" in (done.description or "") for n in range(1, 5)] == [True] * 4
    with pytest.raises(InvalidInputError):
        await client.describe("not a link")


# --- service errors and the billed-submit guarantee ------------------------------------------------


async def test_plan_required_is_errno_411_quota(emu: Emulator) -> None:
    emu.arm("plan_required", times=1)
    with pytest.raises(QuotaError) as caught:
        await emu.client().create("a plan-only prompt")
    assert caught.value.code == 411


async def test_general_error_is_errno_501_and_reads_are_retried_but_submits_are_not(emu: Emulator) -> None:
    client = emu.client()
    await client.login()
    emu.arm("general_error")
    with pytest.raises(ServerError) as caught:
        await client.find()
    assert caught.value.code == 501
    assert len(emu.sent("/jobs/find")) == 2  # retry_attempts=2
    with pytest.raises(ServerError):
        await client.create("billed")
    assert len(emu.sent("/jobs/create")) == 1


async def test_invalid_parameter_in_content_is_errno_301(emu: Emulator) -> None:
    with pytest.raises(InvalidInputError) as caught:
        await emu.client().create("a cat --seed minus-one")
    assert caught.value.code == 301


@pytest.mark.parametrize("fault", ["hang", "server_error", "http_rate_limit", "malformed_json"])
async def test_a_billed_submit_is_sent_exactly_once(emu: Emulator, fault: str) -> None:
    client = emu.client()
    await client.login()
    emu.arm(fault)
    expected = {
        "hang": SubmitOutcomeUnknownError,
        "server_error": ServerError,
        "http_rate_limit": RateLimitedError,
        "malformed_json": DecodeError,
    }[fault]
    with pytest.raises(expected):
        await client.create("only once")
    assert len(emu.sent("/jobs/create")) == 1
