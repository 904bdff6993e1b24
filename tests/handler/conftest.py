"""Fixtures of the engine tests (see reconciler_harness)."""

from reconciler_harness import deploy, make_org

__all__ = ["deploy", "make_org"]
