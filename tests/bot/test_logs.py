"""``bot.logs``: the redacting handler filter, record by record."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import aiohttp
import pytest
from pydantic import BaseModel, SecretStr

from bot.credentials import ProviderPool
from bot.logs import REDACTED, SecretRedactor, configure_logging, redact_from_now_on, settings_secrets
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
