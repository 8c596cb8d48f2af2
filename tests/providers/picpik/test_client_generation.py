"""The raw client's generation actions against the emulator over real HTTP on loopback."""

from __future__ import annotations

import asyncio
import base64
import io
import uuid
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from PIL import Image

from providers.core.errors import (
    AuthenticationError,
    DecodeError,
    InvalidInputError,
    ModerationError,
    NotFoundError,
    QuotaError,
    RateLimitedError,
    ServerError,
    SubmitOutcomeUnknownError,
)
from providers.picpik.client import PicpikClient
from providers.picpik.credentials import PicpikCredentials
from providers.picpik.models import GenerateImagesRequest, PicpikModel
from tests.emulators.common import png_bytes, serve
from tests.emulators.picpik import TEST_PUBLIC_KEY, expected_signature
from tests.providers.picpik.conftest import CREDENTIALS, Emulator, make_client, settings_for, wait_for_task

PNG = png_bytes(96, 64, seed=3)


def simple(**fields: object) -> GenerateImagesRequest:
    body: dict[str, object] = {
        "MainModel": {"ModelCode": "PICPIK General"},
        "PositivePrompts": ["一只猫在沙发上"],
        "Width": 512,
        "Height": 256,
        "BatchSize": 2,
    }
    body.update(fields)
    return GenerateImagesRequest.model_validate(body)


async def test_list_models_and_pass_them_unchanged_into_generate(client: PicpikClient, emulator: Emulator) -> None:
    models = await client.list_models()
    assert "PICPIK General" in models.MainModels
    lora = models.LoraModels["Watercolor"]
    assert lora.TriggerWordList == ["watercolor", "wet paper"]
    assert models.EmbeddingModels and models.HypernetworkModels
    request = GenerateImagesRequest(
        MainModel=models.MainModels["PICPIK Anime"], SubModelList=[lora], PositivePrompts=["a cat"], BatchSize=1
    )
    task = await client.generate_images(request)
    sent = emulator.requests("GenerateImages")[-1]
    assert sent["MainModel"] == {"Name": "PICPIK Anime", "ModelCode": "PICPIK Anime", "IsOfficial": True}
    assert sent["SubModelList"][0]["InferenceParams"] == {"LoraWeight": 1.0}
    assert task.TaskUID


async def test_generate_sends_a_signed_body_and_the_task_delivers_real_pngs(
    client: PicpikClient, emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    task = await client.generate_images(simple())
    assert task.Action == "GenerateImagesResponse" and task.RetCode == 0
    (sent,) = emulator.requests("GenerateImages")
    assert sent["Action"] == "GenerateImages"
    assert sent["PublicKey"] == TEST_PUBLIC_KEY
    assert uuid.UUID(sent["request_uuid"]).version == 4
    assert task.request_uuid == sent["request_uuid"]
    assert sent["Signature"] == expected_signature(sent, "test-private-key")
    detail = await wait_for_task(client, task.TaskUID)
    assert detail.Status == "Success" and detail.ErrorCode == 0
    assert len(detail.ImgList) == 2 and detail.ConsumeApiPoint == 2
    for url in detail.ImgList:
        assert url.startswith(emulator.url)
        async with session.get(url) as response:
            data = await response.read()
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "PNG"
            assert image.size == (256, 128)  # 512×256 drawn at most 256 wide, same shape


async def test_full_parameter_space_is_accepted(client: PicpikClient) -> None:
    image = base64.b64encode(PNG).decode()
    request = simple(
        SubModelList=[
            {"ModelCode": "lora_pixel_20231002_101010", "InferenceParams": {"LoraWeight": -0.5}},
            {"ModelCode": "embedding_easynegative"},
            {"ModelCode": "hypernetwork_ink"},
        ],
        NegativePrompts=["blurry"],
        TranslatePrompts=False,
        Seed=2147483647,
        UseMainModelVAE=True,
        Tileable=True,
        Image2Image={"ImageIndex": 0, "ReferStrength": 0.35},
        ControlNetList=[
            {
                "ImageIndex": 1,
                "MaskIndex": 2,
                "InvertMask": True,
                "PreProcessor": {"ModelCode": "mlsd", "InferenceParams": {"Resolution": 1024}},
                "ControlModel": {
                    "ModelCode": "control_v11p_sd15_mlsd",
                    "InferenceParams": {"ControlWeight": 1.5, "StartingStep": 0.1, "EndingStep": 0.9},
                },
            }
        ],
        ImageAndMaskList=[image, image, image],
    )
    task = await client.generate_images(request)
    detail = await wait_for_task(client, task.TaskUID)
    assert detail.Seed == 2147483647 and len(detail.ImgList) == 2


async def test_invalid_request_is_refused_before_sending(client: PicpikClient, emulator: Emulator) -> None:
    with pytest.raises(InvalidInputError, match="BatchSize"):
        await client.generate_images(simple(BatchSize=17))
    with pytest.raises(InvalidInputError, match=r"Image2Image\.ImageIndex"):
        await client.generate_images(simple(Image2Image={"ImageIndex": 0}))
    assert emulator.requests("GenerateImages") == []


async def test_unknown_model_maps_to_not_found(client: PicpikClient) -> None:
    with pytest.raises(NotFoundError) as caught:
        await client.generate_images(simple(MainModel=PicpikModel(ModelCode="No Such Model")))
    assert "No Such Model" in caught.value.user_message


async def test_list_tasks_details_answers_for_many_tasks_in_one_call(client: PicpikClient, emulator: Emulator) -> None:
    uids = [(await client.generate_images(simple(BatchSize=1))).TaskUID for _ in range(5)]
    response = await client.list_tasks_details([*uids, "unknown-task"])
    assert len(emulator.requests("ListTasksDetails")) == 1
    assert [detail.TaskUID for detail in response.details] == uids
    assert {detail.Status for detail in response.details} <= {"Pending", "Processing"}
    with pytest.raises(InvalidInputError):
        await client.list_tasks_details([])


async def test_describe_images_delivers_prompts(client: PicpikClient, emulator: Emulator) -> None:
    uri = "data:image/png;base64," + base64.b64encode(PNG).decode()
    task = await client.describe_images([uri])
    assert emulator.requests("DescribeImages")[0]["TranslateDescription"] == "en"
    detail = await wait_for_task(client, task.TaskUID)
    assert detail.Action == "DescribeImages"
    assert len(detail.TxtList) == 4 and all("wide" in text for text in detail.TxtList)
    with pytest.raises(InvalidInputError, match="data URI"):
        await client.describe_images([base64.b64encode(PNG).decode()])


async def test_list_running_tasks(client: PicpikClient) -> None:
    task = await client.generate_images(simple(BatchSize=1))
    assert task.TaskUID in (await client.list_running_tasks()).TaskUIDList
    await wait_for_task(client, task.TaskUID)
    assert task.TaskUID not in (await client.list_running_tasks()).TaskUIDList


async def test_failed_task_reports_error_code_and_message(client: PicpikClient, emulator: Emulator) -> None:
    emulator.arm("task_fails", times=1)
    detail = await wait_for_task(client, (await client.generate_images(simple())).TaskUID)
    assert detail.ErrorCode != 0 and detail.error_message == "The GPU worker crashed"


async def test_wrong_private_key_and_unknown_public_key_are_authentication_errors(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    wrong_private = PicpikCredentials(public_key=TEST_PUBLIC_KEY, private_key="nope")
    with pytest.raises(AuthenticationError) as caught:
        await make_client(emulator, session, wrong_private).list_models()
    assert caught.value.code == 171 and "nope" not in str(caught.value)
    unknown_public = PicpikCredentials(public_key="who-is-this", private_key="test-private-key")
    with pytest.raises(AuthenticationError) as caught:
        await make_client(emulator, session, unknown_public).list_running_tasks()
    assert caught.value.code == 172


@pytest.mark.parametrize(
    ("fault", "error_class"),
    [("rate_limit", RateLimitedError), ("moderation", ModerationError), ("quota", QuotaError)],
)
async def test_service_refusals_on_submit(
    client: PicpikClient, emulator: Emulator, fault: str, error_class: type[Exception]
) -> None:
    emulator.arm(fault, times=1)
    with pytest.raises(error_class):
        await client.generate_images(simple())
    assert len(emulator.requests("GenerateImages")) == 1  # billed: never sent again


async def test_describe_refusals_map_too(client: PicpikClient, emulator: Emulator) -> None:
    uri = "data:image/png;base64," + base64.b64encode(PNG).decode()
    emulator.arm("moderation", times=1)
    with pytest.raises(ModerationError):
        await client.describe_images([uri])


async def test_retries_reuse_the_request_uuid_and_new_calls_get_a_new_one(
    client: PicpikClient, emulator: Emulator
) -> None:
    emulator.arm("server_error", times=1)
    await client.list_models()
    first, retry = emulator.requests("ListModels")
    assert first["request_uuid"] == retry["request_uuid"]
    assert first["Signature"] == retry["Signature"]
    await client.list_models()
    assert emulator.requests("ListModels")[2]["request_uuid"] != first["request_uuid"]


async def test_reads_give_up_after_the_retries(client: PicpikClient, emulator: Emulator) -> None:
    emulator.arm("rate_limit")
    with pytest.raises(RateLimitedError):
        await client.list_running_tasks()
    assert len(emulator.requests("ListRunningTasks")) == 2  # retry_attempts=2


async def test_hung_billed_submit_is_sent_exactly_once(client: PicpikClient, emulator: Emulator) -> None:
    emulator.arm("hang", times=1)
    with pytest.raises(SubmitOutcomeUnknownError):
        await client.generate_images(simple())
    assert len(emulator.requests("GenerateImages")) == 1


async def test_server_error_on_a_billed_submit_is_not_retried(client: PicpikClient, emulator: Emulator) -> None:
    emulator.arm("server_error", times=1)
    with pytest.raises(ServerError):
        await client.generate_images(simple())
    assert len(emulator.requests("GenerateImages")) == 1


async def test_malformed_and_http_rate_limited_replies(client: PicpikClient, emulator: Emulator) -> None:
    emulator.arm("malformed_json")
    with pytest.raises(DecodeError):
        await client.list_models()
    emulator.clear()
    emulator.arm("http_rate_limit", times=1)
    with pytest.raises(RateLimitedError):
        await client.generate_images(simple())


@pytest.fixture
async def odd_server() -> AsyncIterator[str]:
    """A server answering what the documents do not describe, to prove it becomes DecodeError."""
    replies = iter(
        [
            {"RetCode": 0, "Action": "GenerateImagesResponse"},  # no TaskUID
            ["not", "an", "object"],
            {"Action": "ListModelsResponse"},  # no RetCode
            {"RetCode": 0, "TaskDetailList": [{"Status": "Running"}]},  # no TaskUID in the detail
        ]
    )

    async def answer(request: web.Request) -> web.Response:
        return web.json_response(next(replies))

    app = web.Application()
    app.router.add_post("/", answer)
    async with serve(app) as url:
        yield url


async def test_undocumented_replies_become_decode_errors(odd_server: str, session: aiohttp.ClientSession) -> None:
    client = PicpikClient(settings_for(odd_server, retry_attempts=1).transport(session, "picpik"), CREDENTIALS)
    with pytest.raises(DecodeError):
        await client.generate_images(simple())
    with pytest.raises(DecodeError):
        await client.list_models()
    with pytest.raises(DecodeError):
        await client.list_models()
    # an entry that does not say which task it describes cannot be matched to a job: it is left out
    assert (await client.list_tasks_details(["x"])).by_task() == {}


async def test_concurrent_calls_each_sign_their_own_uuid(client: PicpikClient, emulator: Emulator) -> None:
    await asyncio.gather(*(client.list_running_tasks() for _ in range(5)))
    uuids = {body["request_uuid"] for body in emulator.requests("ListRunningTasks")}
    assert len(uuids) == 5
