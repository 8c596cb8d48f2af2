"""Contract cases, one module per service, each exposing ``CASE``; discovered, not listed by hand."""

from __future__ import annotations

import importlib
import pkgutil

from tests.providers.contract import ProviderCase


def _discover() -> list[ProviderCase]:
    cases = []
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        cases.append(module.CASE)
    return cases


ALL_CASES: list[ProviderCase] = _discover()
