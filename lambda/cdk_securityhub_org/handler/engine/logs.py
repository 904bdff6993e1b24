"""JSON log lines for CloudWatch Logs. Email addresses never reach the log: they are redacted on the way out."""

from __future__ import annotations

import json
import re
import sys
import time
from typing import Any

_EMAIL = re.compile(r"[^@\s\"',;:<>()\[\]]+@[^@\s\"',;:<>()\[\]]+\.[A-Za-z]{2,}")


def redact(text: str) -> str:
    return _EMAIL.sub("<email>", text)


def log(message: str, **fields: Any) -> None:
    """Write one JSON line: the message, a timestamp, and the fields."""
    record = {"time": round(time.time(), 3), "level": "INFO", "message": message, **fields}
    sys.stdout.write(redact(json.dumps(record, sort_keys=True, default=str)) + "\n")
    sys.stdout.flush()
