"""The call log: one record per AWS request the emulator answered, throttled and faulted ones included."""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass, field
from typing import Any

_READ_PREFIXES = ("List", "Get", "Describe", "Head", "BatchGet")


def is_write(operation: str) -> bool:
    """Anything that is not a List*/Get*/Describe*/BatchGet* (or S3 Head*) operation may change state."""
    return not operation.startswith(_READ_PREFIXES)


@dataclass(frozen=True)
class CallRecord:
    """One request as the emulator saw it.

    ``implied_actions`` lists the IAM actions of other services that the call performed on the caller's
    behalf (for example ``EnableOrganizationAdminAccount`` registers a delegated administrator in
    Organizations), so permission sets can be compared with what really happened.
    """

    seq: int
    time: float
    account: str
    region: str
    service: str
    operation: str
    http_status: int
    error_code: str | None
    throttled: bool
    write: bool
    request_size: int
    implied_actions: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


class CallLog:
    """Thread-safe, append-only list of ``CallRecord`` with filtering."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[CallRecord] = []
        self._seq = 0

    def record(self, **fields: Any) -> CallRecord:
        """Append a record; ``seq`` is assigned here so it follows the order of completion."""
        with self._lock:
            self._seq += 1
            entry = CallRecord(seq=self._seq, **fields)
            self._records.append(entry)
            return entry

    def reset(self) -> None:
        """Forget every record (sequence numbers keep increasing, so old and new never collide)."""
        with self._lock:
            self._records = []

    def select(
        self,
        *,
        account: str | None = None,
        region: str | None = None,
        service: str | None = None,
        operation: str | None = None,
        writes_only: bool = False,
    ) -> list[CallRecord]:
        """The records matching every given filter, oldest first."""
        with self._lock:
            records = list(self._records)
        return [
            r
            for r in records
            if (account is None or r.account == account)
            and (region is None or r.region == region)
            and (service is None or r.service == service)
            and (operation is None or r.operation == operation)
            and (not writes_only or r.write)
        ]
