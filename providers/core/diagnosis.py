"""What ``python -m bot doctor`` learns about one service from the operator's own keys, with free calls only.

Each provider answers ``Provider.diagnose()`` with a ``Diagnosis``: whether the service answered, whether the keys
were accepted, and one ``Finding`` per entry of the README's inference table — what the bot saw, and whether that
confirms the bot's reading, refutes it (naming the setting to change), or could not tell. A diagnosis never sends
a billed request: only listing, querying and login calls.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum


class Verdict(StrEnum):
    CONFIRMED = "confirmed"
    REFUTED = "refuted"
    UNKNOWN = "could not tell"


@dataclass(frozen=True)
class Finding:
    #: the inference table's entry, ``<service>.<fact>`` (e.g. ``ngpu.data_form``)
    entry: str
    #: the reading the bot runs on, in a few words
    reading: str
    verdict: Verdict
    #: what the service's answers showed (never a secret)
    saw: str
    #: the setting to change when the reading is refuted (``NGPU_DATA_FORM=string``), else None
    setting: str | None = None


@dataclass
class Diagnosis:
    service: str
    #: the service answered at all (any HTTP answer, even a refusal)
    reachable: bool = False
    #: the keys were accepted (None: the service never said)
    keys_accepted: bool | None = None
    findings: list[Finding] = field(default_factory=list)
    #: why the service is unusable, in one line (None when it is usable)
    problem: str | None = None

    @property
    def usable(self) -> bool:
        return self.reachable and self.keys_accepted is not False and self.problem is None

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["usable"] = self.usable
        return data
