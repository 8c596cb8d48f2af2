"""Platform API app actions: bundles to buy, app instances and their lifecycle (for /picpik-app)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Final, TypeVar

from providers.core.errors import InvalidInputError
from providers.picpik.app_models import (
    CreateAppResponse,
    ListAppsResponse,
    ListBundlesResponse,
    PicpikApp,
    PicpikBundle,
)
from providers.picpik.caller import PlatformCaller, Send
from providers.picpik.models import PlatformResponse

#: the actions of seed 000 (the V2 app console). No document names their host, so the client sends them to their own
#: address (``PicpikSettings.app_base_url``, by default the generation host); every other action goes to ``base_url``
APP_ACTIONS: Final = frozenset(
    {
        "ListPicpikBundles",
        "CreatePicpikApp",
        "ListPicpikApps",
        "ModifyPicpikAppRemark",
        "StartPicpikApp",
        "StopPicpikApp",
        "RestartPicpikApp",
        "DeletePicpikApp",
    }
)

Listed = TypeVar("Listed", ListAppsResponse, ListBundlesResponse)
Item = TypeVar("Item", PicpikApp, PicpikBundle)

#: what ``NewRemark`` is set to for "no remark". The seed marks ``NewRemark`` required, and the emulator, like a
#: UCloud-style gateway, refuses an empty string as missing. Inference: a single space is a remark that reads as
#: none (``PicpikApp.remark`` strips it); should the live service refuse it too, its refusal is shown as it is.
CLEARED_REMARK = " "
#: Inference: the seed says a list asked for without ``Page`` is whole (不传默认查询全部). Should Picpik page it all the
#: same (its ``PageSize`` defaults to 20), fewer items than ``TotalCount`` arrive: the rest is asked for page by page,
#: in pages the size of the first answer, at most this many pages in all.
MAX_LIST_PAGES: Final = 50


async def _every_page(
    fetch: Callable[[int | None, int | None], Awaitable[Listed]],
    items_of: Callable[[Listed], Sequence[Item]],
    id_of: Callable[[Item], str],
) -> tuple[list[Item], int | None]:
    """Every item of a paged list (see ``MAX_LIST_PAGES``), each once, in the service's order, and the ``TotalCount``
    the service gave (None when it gave none). Items are counted by id: a page that adds no new one (a service that
    ignores ``Page`` sends the first again) ends the reading, so fewer than ``TotalCount`` may come back, and the
    caller can say so."""
    first = await fetch(None, None)
    found = {id_of(item): item for item in items_of(first)}
    page, size, total = 1, len(found), first.TotalCount
    while total is not None and len(found) < total and size and page < MAX_LIST_PAGES:
        page += 1
        known = len(found)
        # a list that changed between two pages may show an item twice: the first sighting keeps its place
        for item in items_of(await fetch(page, size)):
            found.setdefault(id_of(item), item)
        if len(found) == known:
            break
    return list(found.values()), total


def _paging(page: int | None, page_size: int | None) -> dict[str, Any]:
    """``Page``/``PageSize`` (default 20); without ``Page`` the service returns the whole list."""
    if page is not None and page < 1:
        raise InvalidInputError(f"Page starts at 1; you gave {page}.", field="Page")
    if page_size is not None and page_size < 1:
        raise InvalidInputError(f"PageSize must be at least 1; you gave {page_size}.", field="PageSize")
    return {"Page": page, "PageSize": page_size}


def _app_id(app_id: str) -> dict[str, Any]:
    if not app_id or not app_id.strip():
        raise InvalidInputError("Name the app (its AppId).", field="AppId")
    return {"AppId": app_id}


class AppActions(PlatformCaller):
    async def list_bundles(self, *, page: int | None = None, page_size: int | None = None) -> ListBundlesResponse:
        return await self._call("ListPicpikBundles", _paging(page, page_size), ListBundlesResponse)

    async def list_all_bundles(self) -> list[PicpikBundle]:
        """Every bundle, however many pages Picpik sends them in."""

        async def fetch(page: int | None, size: int | None) -> ListBundlesResponse:
            return await self.list_bundles(page=page, page_size=size)

        bundles, _ = await _every_page(fetch, lambda listed: listed.Bundles, lambda bundle: bundle.BundleId)
        return bundles

    async def create_app(
        self, region: str, bundle_id: str, *, remark: str | None = None, count: int | None = None
    ) -> CreateAppResponse:
        """Create ``count`` app instances (billed by the hour). Each entry of ``Results`` succeeds on its own."""
        if not region.strip() or not bundle_id.strip():
            raise InvalidInputError("Creating an app needs a Region and a BundleId.", field="BundleId")
        if count is not None and count < 1:
            raise InvalidInputError(f"Count must be at least 1; you gave {count}.", field="Count")
        params = {"Region": region, "BundleId": bundle_id, "Remark": remark, "Count": count}
        return await self._call("CreatePicpikApp", params, CreateAppResponse, send=Send.BILLED)

    async def list_apps(
        self, *, page: int | None = None, page_size: int | None = None, app_id: str | None = None
    ) -> ListAppsResponse:
        params = _paging(page, page_size)
        if app_id is not None:
            params.update(_app_id(app_id))
        return await self._call("ListPicpikApps", params, ListAppsResponse)

    async def list_all_apps(self) -> list[PicpikApp]:
        """Every app of the account, however many pages Picpik sends them in."""
        apps, _ = await self.list_all_apps_counted()
        return apps

    async def list_all_apps_counted(self) -> tuple[list[PicpikApp], int | None]:
        """Every app Picpik sends, and how many it says there are (``TotalCount``; None when it does not say)."""

        async def fetch(page: int | None, size: int | None) -> ListAppsResponse:
            return await self.list_apps(page=page, page_size=size)

        return await _every_page(fetch, lambda listed: listed.Apps, lambda app: app.AppId)

    async def look_up_app(self, app_id: str) -> ListAppsResponse:
        """One app (``ListPicpikApps`` with its ``AppId``), asked once and not retried: for a caller with a deadline
        of its own (a form must open within Discord's 3 s), which a retry after a time-out would overrun."""
        return await self._call("ListPicpikApps", _app_id(app_id), ListAppsResponse, send=Send.ONCE)

    async def modify_app_remark(self, app_id: str, new_remark: str) -> PlatformResponse:
        """Set an app's remark; an empty (or blank) one clears it (sent as ``CLEARED_REMARK``)."""
        params = {**_app_id(app_id), "NewRemark": new_remark.strip() or CLEARED_REMARK}
        # setting the same remark twice leaves the same result, so this one may be retried
        return await self._call("ModifyPicpikAppRemark", params, PlatformResponse)

    async def start_app(self, app_id: str) -> PlatformResponse:
        return await self._call("StartPicpikApp", _app_id(app_id), PlatformResponse, send=Send.BILLED)

    async def stop_app(self, app_id: str) -> PlatformResponse:
        return await self._call("StopPicpikApp", _app_id(app_id), PlatformResponse, send=Send.ONCE)

    async def restart_app(self, app_id: str) -> PlatformResponse:
        return await self._call("RestartPicpikApp", _app_id(app_id), PlatformResponse, send=Send.BILLED)

    async def delete_app(self, app_id: str) -> PlatformResponse:
        """Delete an app; Picpik requires it to be shut down (state 6) first (see ``app_models.DELETABLE_STATES``)."""
        return await self._call("DeletePicpikApp", _app_id(app_id), PlatformResponse, send=Send.ONCE)
