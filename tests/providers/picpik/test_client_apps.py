"""The raw client's app actions (bundles, app instances, lifecycle) against the emulator over HTTP."""

from __future__ import annotations

import asyncio

import pytest

from providers.core.errors import InvalidInputError, NotFoundError, ProviderTimeoutError, SubmitOutcomeUnknownError
from providers.picpik.app_models import AppState, PicpikApp
from providers.picpik.client import PicpikClient
from providers.picpik.models import PlatformResponse
from tests.emulators.picpik import BUNDLES, STATE_KEY, TEST_PUBLIC_KEY
from tests.emulators.picpik._state import EmulatedApp
from tests.providers.picpik.conftest import JOB_SECONDS, Emulator


async def state_of(client: PicpikClient, app_id: str) -> AppState | None:
    (app,) = (await client.list_apps(app_id=app_id)).Apps
    return app.state


async def wait_for_state(client: PicpikClient, app_id: str, wanted: AppState, *, timeout: float = 5.0) -> list[int]:
    """Poll until the app is in ``wanted``; returns every state seen on the way."""
    seen: list[int] = []
    async with asyncio.timeout(timeout):
        while True:
            state = await state_of(client, app_id)
            assert state is not None
            if not seen or seen[-1] != state:
                seen.append(state)
            if state is wanted:
                return seen
            await asyncio.sleep(0.03)


async def create_one(client: PicpikClient, remark: str = "test") -> str:
    result = await client.create_app("cn-wlcb", "bundle-comfyui-sdxl", remark=remark)
    (created,) = result.created
    assert created.AppId
    return created.AppId


async def test_list_bundles_whole_and_paged(client: PicpikClient, emulator: Emulator) -> None:
    everything = await client.list_bundles()
    assert everything.TotalCount == 3 and len(everything.Bundles) == 3
    assert "Page" not in emulator.requests("ListPicpikBundles")[0]
    assert everything.Bundles[0].hourly_price == "¥1.99"
    assert everything.Bundles[1].ActualHourPrice == "9.99" and everything.Bundles[1].hourly_price == "¥0.0999"
    second_page = await client.list_bundles(page=2, page_size=2)
    assert [b.BundleId for b in second_page.Bundles] == ["bundle-flux-studio"]
    assert second_page.TotalCount == 3
    with pytest.raises(InvalidInputError, match="Page starts at 1"):
        await client.list_bundles(page=0)


async def test_create_several_apps_which_initialise_then_run(client: PicpikClient, emulator: Emulator) -> None:
    response = await client.create_app("cn-wlcb", "bundle-comfyui-sdxl", remark="two nodes", count=2)
    assert response.Action == "CreatePicpikAppResponse"
    assert len(response.created) == 2 and not response.failed
    sent = emulator.requests("CreatePicpikApp")[0]
    assert [sent[name] for name in ("Region", "BundleId", "Remark", "Count")] == [
        "cn-wlcb",
        "bundle-comfyui-sdxl",
        "two nodes",
        2,
    ]
    apps = (await client.list_apps()).Apps
    assert {app.AppId for app in apps} == {result.AppId for result in response.created}
    assert all(isinstance(app, PicpikApp) and app.BundleName == "ComfyUI SDXL" for app in apps)
    seen = await wait_for_state(client, apps[0].AppId, AppState.RUNNING)
    assert seen[0] in (AppState.INITIALISING, AppState.INITIALISING_COMFY_SERVICE, AppState.COMFY_STARTING)
    running = (await client.list_apps(app_id=apps[0].AppId)).Apps[0]
    assert running.IP and running.ApiKey is not None and running.ApiKey.get_secret_value()


async def test_partial_create_reports_each_app(client: PicpikClient, emulator: Emulator) -> None:
    emulator.arm("create_partial", times=1)
    response = await client.create_app("cn-wlcb", "bundle-sd-webui", count=3)
    assert len(response.created) == 2
    (failure,) = response.failed
    assert failure.RetCode != 0 and failure.ErrMsg == "No GPU left in cn-wlcb"
    # the seed requires an AppId in every result: the one that failed is listed as "create failed", to be deleted
    assert failure.AppId and await state_of(client, failure.AppId) is AppState.CREATE_FAILED
    assert (await client.list_apps()).TotalCount == 3
    await client.delete_app(failure.AppId)
    assert await wait_for_state(client, failure.AppId, AppState.DELETED) == [AppState.DELETING, AppState.DELETED]


async def test_create_errors(client: PicpikClient, emulator: Emulator) -> None:
    with pytest.raises(NotFoundError, match="no-such-bundle"):
        await client.create_app("cn-wlcb", "no-such-bundle")
    with pytest.raises(InvalidInputError, match="Region"):
        await client.create_app("hk", "bundle-comfyui-sdxl")
    with pytest.raises(InvalidInputError, match="Count"):
        await client.create_app("cn-wlcb", "bundle-comfyui-sdxl", count=0)
    assert len(emulator.requests("CreatePicpikApp")) == 2


async def test_hung_create_is_sent_once(client: PicpikClient, emulator: Emulator) -> None:
    emulator.arm("hang", times=1)
    with pytest.raises(SubmitOutcomeUnknownError):
        await client.create_app("cn-wlcb", "bundle-comfyui-sdxl")
    assert len(emulator.requests("CreatePicpikApp")) == 1


async def test_list_apps_by_id_and_paging(client: PicpikClient) -> None:
    ids = [await create_one(client, f"n{n}") for n in range(3)]
    (only,) = (await client.list_apps(app_id=ids[1])).Apps
    assert only.AppId == ids[1] and only.Remark == "n1"
    page = await client.list_apps(page=1, page_size=2)
    assert len(page.Apps) == 2 and page.TotalCount == 3
    with pytest.raises(NotFoundError):
        await client.list_apps(app_id="app-unknown")


async def test_modify_remark(client: PicpikClient, emulator: Emulator) -> None:
    app_id = await create_one(client)
    response = await client.modify_app_remark(app_id, "renamed 节点")
    assert response.Action == "ModifyPicpikAppRemarkResponse" and response.RetCode == 0
    assert (await client.list_apps(app_id=app_id)).Apps[0].Remark == "renamed 节点"
    with pytest.raises(NotFoundError):
        await client.modify_app_remark("app-unknown", "x")


async def test_a_remark_is_cleared_with_a_space_since_new_remark_is_required(
    client: PicpikClient, emulator: Emulator
) -> None:
    app_id = await create_one(client, "old")
    with pytest.raises(InvalidInputError, match="NewRemark"):  # the emulator refuses "" as missing, like Region
        await client._call("ModifyPicpikAppRemark", {"AppId": app_id, "NewRemark": ""}, PlatformResponse)

    await client.modify_app_remark(app_id, "  ")

    assert emulator.requests("ModifyPicpikAppRemark")[-1]["NewRemark"] == " "
    (app,) = (await client.list_apps(app_id=app_id)).Apps
    assert app.Remark == " " and app.remark is None


async def test_lists_sent_as_maps_like_the_seeds_tables_are_read(client: PicpikClient, emulator: Emulator) -> None:
    emulator.arm("map_shape")  # until cleared
    emulator.arm("create_partial", times=1)

    created = await client.create_app("cn-wlcb", "bundle-comfyui-sdxl", count=2)
    raw = await client._call("ListPicpikApps", {}, PlatformResponse)

    assert isinstance((raw.model_extra or {})["Apps"], dict)  # the emulator did send a map
    assert len(created.created) == 1 and len(created.failed) == 1
    apps = (await client.list_apps()).Apps
    assert {app.AppId for app in apps} == {result.AppId for result in created.Results}
    assert [bundle.BundleId for bundle in (await client.list_bundles()).Bundles] == [
        "bundle-comfyui-sdxl",
        "bundle-sd-webui",
        "bundle-flux-studio",
    ]


async def test_lifecycle_stop_delete_start_restart(client: PicpikClient) -> None:
    app_id = await create_one(client)
    await wait_for_state(client, app_id, AppState.RUNNING)

    with pytest.raises(InvalidInputError, match="shut it down first"):
        await client.delete_app(app_id)

    assert (await client.restart_app(app_id)).Action == "RestartPicpikAppResponse"
    assert await wait_for_state(client, app_id, AppState.RUNNING) == [AppState.RESTARTING, AppState.RUNNING]

    await client.stop_app(app_id)
    assert await wait_for_state(client, app_id, AppState.SHUT_DOWN) == [AppState.SHUTTING_DOWN, AppState.SHUT_DOWN]

    await client.start_app(app_id)
    assert await wait_for_state(client, app_id, AppState.RUNNING) == [AppState.STARTING, AppState.RUNNING]

    await client.stop_app(app_id)
    await wait_for_state(client, app_id, AppState.SHUT_DOWN)
    assert (await client.delete_app(app_id)).RetCode == 0
    assert await wait_for_state(client, app_id, AppState.DELETED) == [AppState.DELETING, AppState.DELETED]


async def test_start_can_fail(client: PicpikClient, emulator: Emulator) -> None:
    app_id = await create_one(client)
    await wait_for_state(client, app_id, AppState.RUNNING)
    assert (await client.start_app(app_id)).RetCode == 0  # already running: taken, and nothing changes
    await client.stop_app(app_id)
    await wait_for_state(client, app_id, AppState.SHUT_DOWN)
    with pytest.raises(InvalidInputError, match="cannot restart"):
        await client.restart_app(app_id)  # shut down: a restart is refused
    emulator.arm("app_start_fails", times=1)
    await client.start_app(app_id)
    seen = await wait_for_state(client, app_id, AppState.START_FAILED)
    assert seen == [AppState.STARTING, AppState.START_FAILED]
    assert AppState(seen[-1]).is_failure and AppState(seen[-1]).is_stable


async def test_app_actions_need_an_app_id(client: PicpikClient, emulator: Emulator) -> None:
    for action in (client.start_app, client.stop_app, client.restart_app, client.delete_app):
        with pytest.raises(InvalidInputError, match="AppId"):
            await action(" ")
    assert emulator.all_requests() == []


@pytest.mark.parametrize(
    ("fault", "through"),
    [
        ("app_init_fails", [AppState.INITIALISING, AppState.INIT_FAILED]),
        (
            "comfy_init_fails",
            [AppState.INITIALISING, AppState.INITIALISING_COMFY_SERVICE, AppState.COMFY_SERVICE_INIT_FAILED],
        ),
    ],
)
async def test_creates_can_fail_on_the_way_up(
    client: PicpikClient, emulator: Emulator, fault: str, through: list[AppState]
) -> None:
    emulator.arm(fault, times=1)
    app_id = await create_one(client)
    assert await wait_for_state(client, app_id, through[-1]) == through


async def test_stops_restarts_deletes_and_comfy_can_fail(client: PicpikClient, emulator: Emulator) -> None:
    app_id = await create_one(client)
    await wait_for_state(client, app_id, AppState.RUNNING)
    emulator.arm("app_restart_fails", times=1)
    await client.restart_app(app_id)
    restarted = await wait_for_state(client, app_id, AppState.RESTART_FAILED)
    assert restarted == [AppState.RESTARTING, AppState.RESTART_FAILED]
    emulator.arm("app_stop_fails", times=1)
    await client.stop_app(app_id)  # a failed restart may still be up: it is stopped
    assert await wait_for_state(client, app_id, AppState.SHUTDOWN_FAILED) == [
        AppState.SHUTTING_DOWN,
        AppState.SHUTDOWN_FAILED,
    ]
    await client.stop_app(app_id)  # and stopped again
    await wait_for_state(client, app_id, AppState.SHUT_DOWN)
    emulator.arm("comfy_interrupted", times=1)
    await client.start_app(app_id)
    assert await wait_for_state(client, app_id, AppState.COMFY_SERVICE_INTERRUPTED) == [
        AppState.STARTING,
        AppState.COMFY_SERVICE_INTERRUPTED,
    ]
    with pytest.raises(InvalidInputError, match="shut it down first"):  # it may be up
        await client.delete_app(app_id)
    await client.stop_app(app_id)
    await wait_for_state(client, app_id, AppState.SHUT_DOWN)
    emulator.arm("app_delete_fails", times=1)
    await client.delete_app(app_id)
    assert await wait_for_state(client, app_id, AppState.DELETE_FAILED) == [AppState.DELETING, AppState.DELETE_FAILED]
    await client.delete_app(app_id)  # a failed delete is asked again
    await wait_for_state(client, app_id, AppState.DELETED)


async def test_an_action_can_begin_late_or_never(client: PicpikClient, emulator: Emulator) -> None:
    app_id = await create_one(client)
    await wait_for_state(client, app_id, AppState.RUNNING)
    emulator.arm("action_ignored", times=1)
    await client.stop_app(app_id)
    await asyncio.sleep(JOB_SECONDS * 2)
    assert await state_of(client, app_id) is AppState.RUNNING  # accepted, never acted on

    emulator.arm("late_transition", times=1)
    await client.stop_app(app_id)
    assert await wait_for_state(client, app_id, AppState.SHUT_DOWN) == [
        AppState.RUNNING,  # for one step the app stays as it was
        AppState.SHUTTING_DOWN,
        AppState.SHUT_DOWN,
    ]


async def test_a_deleted_app_can_drop_out_of_the_list(client: PicpikClient, emulator: Emulator) -> None:
    emulator.arm("deleted_vanish")  # until cleared
    app_id, kept = await create_one(client), await create_one(client)
    await wait_for_state(client, app_id, AppState.RUNNING)
    await client.stop_app(app_id)
    await wait_for_state(client, app_id, AppState.SHUT_DOWN)
    await client.delete_app(app_id)
    await wait_for_state(client, app_id, AppState.DELETING)
    await asyncio.sleep(JOB_SECONDS * 1.5)  # deleting takes one step
    assert [app.AppId for app in (await client.list_apps()).Apps] == [kept]
    with pytest.raises(NotFoundError):
        await client.list_apps(app_id=app_id)


def add_apps(emulator: Emulator, count: int) -> list[str]:
    """``count`` apps already in the test key pair's account, running."""
    emulated = emulator.app[STATE_KEY]
    ids = []
    for number in range(count):
        app = EmulatedApp(
            app_id=f"app-{number:03d}",
            owner=TEST_PUBLIC_KEY,
            bundle=BUNDLES[0],
            remark=f"n{number}",
            ip="10.0.0.1",
            api_key="k",
            created=1735285262,
        )
        app.move(0.0, [], 1, emulated.step_seconds)
        emulated.apps[app.app_id] = app
        ids.append(app.app_id)
    return ids


async def test_every_app_is_read_whether_or_not_picpik_pages_a_list_without_page(
    client: PicpikClient, emulator: Emulator
) -> None:
    ids = add_apps(emulator, 45)

    whole = await client.list_all_apps()  # as the seed says: no Page, the whole list in one answer
    assert [app.AppId for app in whole] == ids
    assert len(emulator.requests("ListPicpikApps")) == 1

    emulator.arm("pages_by_default")  # a service that answers the first 20 only, with TotalCount 45
    assert len((await client.list_apps()).Apps) == 20
    paged = await client.list_all_apps()
    assert [app.AppId for app in paged] == ids
    asked = [(body.get("Page"), body.get("PageSize")) for body in emulator.requests("ListPicpikApps")[-3:]]
    assert asked == [(None, None), (2, 20), (3, 20)]


async def test_every_bundle_is_read_when_picpik_pages_them(
    client: PicpikClient, emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    more = [{**BUNDLES[0], "BundleId": f"bundle-{n:02d}"} for n in range(23)]
    monkeypatch.setattr("tests.emulators.picpik._actions.BUNDLES", more)
    emulator.arm("pages_by_default")

    bundles = await client.list_all_bundles()

    assert [bundle.BundleId for bundle in bundles] == [bundle["BundleId"] for bundle in more]


async def test_paging_stops_at_its_cap(
    client: PicpikClient, emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_apps(emulator, 45)
    emulator.arm("pages_by_default")
    monkeypatch.setattr("providers.picpik.apps.MAX_LIST_PAGES", 2)

    assert len(await client.list_all_apps()) == 40
    assert len(emulator.requests("ListPicpikApps")) == 2


async def test_prices_sent_as_numbers_still_decode(
    client: PicpikClient, emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    numeric = [
        {**BUNDLES[0], "ActualHourPrice": 199, "OriginalHourPrice": 299.5},
        {**BUNDLES[1], "ActualHourPrice": -1},
    ]
    monkeypatch.setattr("tests.emulators.picpik._actions.BUNDLES", numeric)

    first, second = (await client.list_bundles()).Bundles

    assert (first.hourly_price, first.original_hourly_price) == ("¥1.99", "¥2.995")
    assert second.hourly_price == "?"


async def test_looking_up_one_app_is_asked_once_for_a_caller_with_a_deadline(
    client: PicpikClient, emulator: Emulator
) -> None:
    [app_id] = add_apps(emulator, 1)
    (found,) = (await client.look_up_app(app_id)).Apps
    assert found.AppId == app_id and emulator.requests("ListPicpikApps")[-1]["AppId"] == app_id

    emulator.arm("hang", times=1)
    with pytest.raises(ProviderTimeoutError):
        await client.look_up_app(app_id)
    assert len(emulator.requests("ListPicpikApps")) == 2  # not retried, unlike ``list_apps``
