"""``bot.logs``: the redacting handler filter, record by record."""

from __future__ import annotations

import gc
import io
import logging
import time
from collections.abc import Iterator

import aiohttp
import pytest
from pydantic import BaseModel, SecretStr

from bot.credentials import ProviderPool
from bot.logs import (
    _INSTALLED,
    RECENTLY_RELEASED,
    REDACTED,
    SecretRedactor,
    configure_logging,
    redact_from_now_on,
    scrub_payload,
    settings_secrets,
)
from providers.registry import PROVIDERS


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ("POST http://x/api/v10/interactions/123/aW50ZXJhY3Rpb24abc/callback has returned 200", "/interactions/123/"),
        ("PATCH https://discord.com/api/v10/webhooks/9/aW50ZXJhY3Rpb24abc/messages/@original", "/messages/@original"),
        ("headers {'Authorization': 'Bearer ngpu_workspace-77'}", "'Authorization': "),
        ("sent Bearer ngpu_workspace-77 to NGPU", "sent Bearer "),
        ("login answered eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl ok", "login answered"),
        ("""event {'type': 2, 'token': 'aW50ZXJhY3Rpb24abc', 'id': '1'}""", "'id': '1'"),
        ('body {"username": "u", "password": "hunter2!"}', '"username": "u"'),
        ("GET /?app_secret=s3cr3t-value&app_id=42", "app_id=42"),
    ],
)
def test_secrets_of_known_shapes_are_redacted_and_the_rest_kept(line: str, kept: str) -> None:
    redacted = SecretRedactor().redact(line)
    assert REDACTED in redacted and kept in redacted
    for secret in ("aW50ZXJhY3Rpb24abc", "ngpu_workspace-77", "c2lnbmF0dXJl", "hunter2!", "s3cr3t-value"):
        assert secret not in redacted


def test_given_values_are_redacted_wherever_they_appear() -> None:
    redactor = SecretRedactor(["private-key-0123", None, "abc"])
    redactor.add(SecretStr("member-key-4567"))
    text = redactor.redact("signed with private-key-0123, then member-key-4567; abc stays (too short to be a key)")
    assert "private-key-0123" not in text and "member-key-4567" not in text and "abc stays" in text


class _Service(BaseModel):
    public_key: str = "pk-public"
    private_key: SecretStr = SecretStr("sk-private")


class _Settings(BaseModel):
    token: SecretStr | None = SecretStr("bot-token-value")
    services: dict[str, _Service] = {"picpik": _Service()}
    unset: SecretStr | None = None


def test_settings_secrets_finds_every_secret_field_and_nothing_else() -> None:
    assert sorted(settings_secrets(_Settings())) == ["bot-token-value", "sk-private"]


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved = (root.level, list(root.handlers))
    stream = io.StringIO()
    handler = configure_logging(logging.DEBUG, ["bot-token-value"], stream=stream)
    yield stream
    root.setLevel(saved[0])
    root.handlers[:] = saved[1]
    handler.close()


def test_the_handler_redacts_arguments_tracebacks_and_child_loggers(log_output: io.StringIO) -> None:
    child = logging.getLogger("discord.http.some.child")
    child.debug("token %s in args", "bot-token-value")
    try:
        raise RuntimeError("refused bot-token-value")
    except RuntimeError:
        logging.getLogger("bot.poller").exception("failed")
    logging.getLogger("x").info("%s %s", "bot-token-value")  # wrong number of arguments
    text = log_output.getvalue()
    assert "bot-token-value" not in text
    assert text.count(REDACTED) == 3 and "RuntimeError: refused" in text and "unprintable arguments" in text


def test_keys_learnt_at_run_time_are_redacted_from_then_on(log_output: io.StringIO) -> None:
    member_key = "member-private-key-7d6c5b4a"
    logging.getLogger("bot.x").info("before: %s", member_key)
    redact_from_now_on([member_key, None, "short"])
    logging.getLogger("bot.x").info("after: %s", member_key)
    lines = log_output.getvalue().splitlines()
    assert member_key in lines[0] and member_key not in lines[1] and REDACTED in lines[1]


async def test_a_provider_built_from_stored_keys_teaches_the_log_filter(log_output: io.StringIO) -> None:
    class NoStore:
        def on_change(self, listener: object) -> None:
            pass

    private_key = "picpik-private-key-from-a-member-9f8e"
    settings = {"picpik": PROVIDERS["picpik"].settings_model()}
    async with aiohttp.ClientSession() as session:
        pool = ProviderPool(
            session=session,
            service_classes=PROVIDERS,
            service_settings=settings,
            settings_providers={},
            key_store=NoStore(),  # type: ignore[arg-type]
        )
        pool.build("picpik", {"public_key": "picpik-public-key-from-a-member", "private_key": private_key})
    logging.getLogger("providers.picpik").warning("signing with %s", private_key)
    assert private_key not in log_output.getvalue()


# --- what members type into forms ---------------------------------------------------------------------------

TYPED = "member-typed-private-key-55aa"


def modal_submit_event(value: str, *, labelled: bool = True) -> dict[str, object]:
    """A gateway INTERACTION_CREATE as discord.py logs it at DEBUG: a keys form's submit."""
    text_input = {"type": 4, "id": 2, "custom_id": "private_key", "value": value}
    component = {"type": 18, "id": 1, "component": text_input} if labelled else {"type": 1, "components": [text_input]}
    data = {"custom_id": "keys:set:picpik:user", "components": [component]}
    return {"op": 0, "t": "INTERACTION_CREATE", "s": 4, "d": {"id": "1", "type": 5, "token": "tok", "data": data}}


@pytest.mark.parametrize("labelled", [True, False])
def test_a_form_submit_logged_by_the_gateway_shows_no_typed_value(log_output: io.StringIO, labelled: bool) -> None:
    event = modal_submit_event(TYPED, labelled=labelled)
    before = repr(event)

    logging.getLogger("discord.gateway").debug("For Shard ID %s: WebSocket Event: %s", None, event)

    text = log_output.getvalue()
    assert TYPED not in text and "'custom_id': 'private_key'" in text and REDACTED in text
    assert repr(event) == before  # discord.py goes on to dispatch this very dict: it must be left as it was


def test_form_values_are_masked_in_every_shape_and_only_there() -> None:
    # a text input anywhere (a form the bot sends back, prefilled), a submit inside a list, a mapping argument
    prefilled = {"type": 9, "data": {"components": [{"type": 4, "custom_id": "prompt", "value": TYPED}]}}
    assert TYPED not in repr(scrub_payload([prefilled]))
    assert TYPED not in repr(scrub_payload((1, modal_submit_event(TYPED))))
    # a slash command's option values are not form values: they stay readable
    command = {"type": 2, "data": {"name": "imagine", "options": [{"name": "prompt", "type": 3, "value": "a fox"}]}}
    assert scrub_payload(command) is command


def test_a_form_value_already_formatted_into_the_text_is_masked(log_output: io.StringIO) -> None:
    logging.getLogger("discord.gateway").debug(f"event {modal_submit_event(TYPED)}")
    logging.getLogger("bot.x").debug('{"custom_id": "app_secret", "value": "typed \\"quoted\\" secret-99"}')
    logging.getLogger("bot.x").debug("%(event)s", {"event": modal_submit_event(TYPED)})
    text = log_output.getvalue()
    assert TYPED not in text and "secret-99" not in text and text.count(REDACTED) >= 3


# --- many secrets -------------------------------------------------------------------------------------------


def test_ten_thousand_secrets_cost_little_per_record() -> None:
    redactor = SecretRedactor()
    secrets = [f"member-key-{n:05d}-{n * 7919 % 100_003:06d}" for n in range(10_000)]
    redactor.hold(secrets)
    line = "providers.picpik: POST / -> 200 " * 3
    assert redactor.redact(f"{line} {secrets[4321]} and {secrets[9]}") == f"{line} {REDACTED} and {REDACTED}"

    started = time.perf_counter()
    for _ in range(200):
        redactor.redact(line)
    per_record = (time.perf_counter() - started) / 200
    # looking at every secret took ~1 ms a record; the prefix index takes ~0.03 ms, whatever the count
    assert per_record < 0.3e-3, per_record


def test_released_secrets_are_let_go_in_time_and_held_ones_never() -> None:
    redactor = SecretRedactor(["settings-secret-1"])
    live = redactor.hold(["live-member-key-1"])
    first = redactor.hold(["first-released-key"])
    redactor.release(first)
    for n in range(RECENTLY_RELEASED + 500):
        redactor.release(redactor.hold([f"passing-key-{n:06d}"]))

    assert len(redactor) == 2 + RECENTLY_RELEASED  # bounded: pinned + held + the recently released
    text = redactor.redact("settings-secret-1 live-member-key-1 first-released-key")
    assert text == f"{REDACTED} {REDACTED} first-released-key"
    redactor.release(live)
    assert redactor.redact("live-member-key-1") == REDACTED  # just released: still redacted for a while


async def test_a_providers_keys_are_held_while_it_lives() -> None:
    redactor = SecretRedactor()
    _INSTALLED.append(redactor)
    try:
        settings = {"picpik": PROVIDERS["picpik"].settings_model()}
        async with aiohttp.ClientSession() as session:
            pool = ProviderPool(
                session=session, service_classes=PROVIDERS, service_settings=settings, settings_providers={},
                key_store=_NoStore(),  # type: ignore[arg-type]
            )
            provider = pool.build("picpik", {"public_key": "public-0001", "private_key": "private-key-0001"})
            assert redactor.redact("private-key-0001") == REDACTED
            del provider
            gc.collect()
            for n in range(RECENTLY_RELEASED):
                redactor.release(redactor.hold([f"later-key-{n:06d}"]))
            assert redactor.redact("private-key-0001") == "private-key-0001"  # gone with its provider, in time
    finally:
        _INSTALLED.remove(redactor)


class _NoStore:
    def on_change(self, listener: object) -> None:
        pass


def test_the_ngpu_auth_forms_are_named_readably_in_the_log(log_output: io.StringIO) -> None:
    from providers.ngpu.forms import AuthForm

    bearer, bare = AuthForm.BEARER.described, AuthForm.BARE.described
    logging.getLogger("providers.ngpu").warning("refused %s, took %s", bearer, bare)
    text = log_output.getvalue()
    assert bearer in text and bare in text and REDACTED not in text
