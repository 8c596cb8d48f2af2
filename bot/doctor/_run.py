"""Ask every configured service what it really does, with the keys in the settings and free calls only.

Each service's own ``Provider.diagnose()`` decides which calls to make (never a billed one); this module builds the
providers from the settings, runs them side by side, each within its own time limit, turns whatever goes wrong into
one line about that service, and takes every secret out of what it hands back.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Final

import aiohttp
from pydantic import BaseModel, ValidationError

from bot.logs import settings_secrets
from providers.core.base import Provider, ServiceSettings
from providers.core.diagnosis import Diagnosis, Finding, Verdict
from providers.core.errors import ProviderConnectionError, ProviderError, ProviderTimeoutError
from providers.core.scrub import REDACTED, Scrubber
from providers.core.unknown_values import UnknownValue, unknown_value_counts
from providers.registry import PROVIDERS

log = logging.getLogger(__name__)

#: how long one service's whole diagnosis may take before it counts as not reachable (``--timeout``): several
#: calls, each with the service's own timeout and retries, so longer than one call's 30 s
DEFAULT_TIMEOUT_SECONDS: Final = 60.0
#: the longest line kept from an unexpected error's text
MAX_PROBLEM_CHARS: Final = 300
#: a JSON web token (the Midjourney-style API's login token): three base64url parts, the first two JSON objects
_LOGIN_TOKEN: Final = re.compile(r"\beyJ[\w-]*\.eyJ[\w-]*\.[\w-]*")


@dataclass(frozen=True)
class ServiceReport:
    """One known service: its diagnosis, or None when the settings hold no keys for it."""

    name: str
    display_name: str
    diagnosis: Diagnosis | None
    #: the settings that give it keys (``PICPIK_PUBLIC_KEY`` …), for the "not configured" line
    key_settings: tuple[str, ...] = ()

    @property
    def configured(self) -> bool:
        return self.diagnosis is not None


@dataclass(frozen=True)
class DoctorReport:
    services: list[ServiceReport]
    #: values the services sent during this run that the bot does not know, with how often
    unknown_values: list[tuple[UnknownValue, int]] = field(default_factory=list)

    @property
    def configured(self) -> list[Diagnosis]:
        return [report.diagnosis for report in self.services if report.diagnosis is not None]

    @property
    def usable(self) -> bool:
        """Every configured service is usable, and there is at least one (with no keys the bot runs nothing)."""
        return bool(self.configured) and all(diagnosis.usable for diagnosis in self.configured)

    def as_dict(self) -> dict[str, object]:
        return {
            "services": [{**report.diagnosis.as_dict(), "display_name": report.display_name}
                         for report in self.services if report.diagnosis is not None],
            "not_configured": [
                {"service": report.name, "display_name": report.display_name, "settings": list(report.key_settings)}
                for report in self.services
                if report.diagnosis is None
            ],
            "unknown_values": [
                {"service": value.service, "field": value.field, "value": value.value, "count": count}
                for value, count in self.unknown_values
            ],
            "usable": self.usable,
        }


def key_settings(cls: type[Provider]) -> tuple[str, ...]:
    """The environment variables that carry a service's required keys: the credentials' required fields that its
    settings hold too, under the settings' prefix."""
    prefix = str(cls.settings_model.model_config.get("env_prefix", ""))
    settings_fields = cls.settings_model.model_fields
    return tuple(
        f"{prefix}{name}".upper()
        for name, info in cls.credentials_model.model_fields.items()
        if info.is_required() and name in settings_fields
    )


def settings_keys(settings: ServiceSettings) -> BaseModel | None:
    """The keys in a service's settings (``default_credentials``), None when there are none. Raises
    ``ValidationError`` when they are there but do not fit the service's credentials."""
    default_credentials = getattr(settings, "default_credentials", None)
    return default_credentials() if callable(default_credentials) else None


async def examine(
    service_settings: Mapping[str, ServiceSettings],
    *,
    only: Sequence[str] | None = None,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    providers: Mapping[str, type[Provider]] = PROVIDERS,
    secrets: Iterable[str] = (),
) -> DoctorReport:
    """Diagnose every service of ``providers`` (or those named in ``only``) that has keys in its settings.

    ``secrets`` are taken out of everything reported, besides every secret in ``service_settings``."""
    names = [name for name in providers if only is None or name in only]
    before = unknown_value_counts()
    async with aiohttp.ClientSession() as session:
        reports = await asyncio.gather(
            *(_one(session, providers[name], service_settings.get(name), timeout) for name in names)
        )
    after = unknown_value_counts()
    seen = Counter(after) - Counter(before)
    clean = _Cleaner([*secrets, *(s for settings in service_settings.values() for s in settings_secrets(settings))])
    return DoctorReport(
        services=[clean.report(report) for report in reports],
        unknown_values=[(clean.unknown(value), count) for value, count in sorted(seen.items())],
    )


async def _one(
    session: aiohttp.ClientSession, cls: type[Provider], settings: ServiceSettings | None, timeout: float
) -> ServiceReport:
    needs = key_settings(cls)
    if settings is None:
        return ServiceReport(cls.name, cls.display_name, None, needs)
    try:
        keys = settings_keys(settings)
    except ValidationError as error:
        # only where and what, never the value: it may be a secret
        where = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'keys'}: {e['msg']}" for e in error.errors())
        problem = f"the keys in the settings do not fit {cls.display_name}: {where}"
        return ServiceReport(cls.name, cls.display_name, Diagnosis(service=cls.name, problem=problem), needs)
    if keys is None:
        return ServiceReport(cls.name, cls.display_name, None, needs)
    return ServiceReport(cls.name, cls.display_name, await _diagnose(session, cls, settings, keys, timeout), needs)


async def _diagnose(
    session: aiohttp.ClientSession, cls: type[Provider], settings: ServiceSettings, keys: BaseModel, timeout: float
) -> Diagnosis:
    """The service's own diagnosis, or one that says in a line why there is none."""
    provider: Provider | None = None
    try:
        async with asyncio.timeout(timeout):
            provider = cls(session, settings, keys)
            return await provider.diagnose()
    except TimeoutError:
        so_far = provider.diagnosis_so_far if provider is not None else None
        if so_far is None or so_far.keys_accepted is None:
            return Diagnosis(service=cls.name, problem=f"not reachable: no complete answer within {timeout:g} s")
        # the keys were judged: keep what was learned, and say the rest could not be told in time
        so_far.findings.append(
            Finding(
                entry=f"{cls.name}.checks",
                reading=f"every check finishes within --timeout ({timeout:g} s)",
                verdict=Verdict.UNKNOWN,
                saw=f"the checks after these did not finish within {timeout:g} s",
                setting="python -m bot doctor --timeout <more seconds>",
            )
        )
        return so_far
    except (ProviderTimeoutError, ProviderConnectionError) as error:
        return Diagnosis(service=cls.name, problem=f"not reachable: {error}")
    except ProviderError as error:
        return Diagnosis(service=cls.name, reachable=True, problem=f"the check failed: {error}")
    except Exception as error:  # a doctor that dies on one service tells nothing about the others
        log.debug("diagnosing %s raised", cls.name, exc_info=True)
        return Diagnosis(service=cls.name, problem=f"the check failed: {type(error).__name__}: {error}")


class _Cleaner:
    """Takes every secret out of a report's texts: the settings' keys in any form a service may echo them
    (``Scrubber``), and login tokens whatever their value. Not the log filter's other patterns: findings are about
    how keys are sent (``Authorization: Bearer <id>``), and those patterns would blank the very words that say it."""

    def __init__(self, secrets: Iterable[str]) -> None:
        self._scrub = Scrubber(secret for secret in secrets if secret)

    def text(self, value: str) -> str:
        return _LOGIN_TOKEN.sub(REDACTED, self._scrub(value))

    def optional(self, value: str | None) -> str | None:
        return None if value is None else self.text(value)

    def finding(self, finding: Finding) -> Finding:
        return replace(
            finding,
            entry=self.text(finding.entry),
            reading=self.text(finding.reading),
            saw=self.text(finding.saw),
            setting=self.optional(finding.setting),
        )

    def report(self, report: ServiceReport) -> ServiceReport:
        diagnosis = report.diagnosis
        if diagnosis is None:
            return report
        problem = self.optional(diagnosis.problem)
        if problem is not None and len(problem) > MAX_PROBLEM_CHARS:
            problem = problem[: MAX_PROBLEM_CHARS - 1] + "…"
        cleaned = replace(diagnosis, findings=[self.finding(f) for f in diagnosis.findings], problem=problem)
        return replace(report, diagnosis=cleaned)

    def unknown(self, value: UnknownValue) -> UnknownValue:
        return replace(value, value=self.text(value.value))
