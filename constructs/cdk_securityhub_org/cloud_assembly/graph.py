"""Dependency ordering shared by stacks (manifest ``dependencies``) and resources (``DependsOn`` and references)."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence

from cdk_securityhub_org.cloud_assembly.errors import CloudAssemblyError


class CycleError(CloudAssemblyError):
    """The dependency graph has a cycle, so there is no order to create things in."""


def dependency_order(nodes: Sequence[str], depends_on: Mapping[str, Iterable[str]]) -> list[str]:
    """``nodes`` ordered so that every node follows the nodes it depends on.

    Ties keep the input order, so the result is deterministic and matches the order a reader of the
    template or manifest expects. Dependencies on names outside ``nodes`` are ignored.
    """
    position = {node: index for index, node in enumerate(nodes)}
    waiting_on = {node: {dep for dep in depends_on.get(node, ()) if dep in position and dep != node} for node in nodes}
    dependents: dict[str, list[str]] = {node: [] for node in nodes}
    for node, deps in waiting_on.items():
        for dep in deps:
            dependents[dep].append(node)
    ready = [position[node] for node, deps in waiting_on.items() if not deps]
    heapq.heapify(ready)
    ordered: list[str] = []
    while ready:
        node = nodes[heapq.heappop(ready)]
        ordered.append(node)
        for dependent in dependents[node]:
            waiting_on[dependent].discard(node)
            if not waiting_on[dependent]:
                heapq.heappush(ready, position[dependent])
    if len(ordered) != len(nodes):
        stuck = sorted(node for node, deps in waiting_on.items() if deps)
        raise CycleError(f"Circular dependency between {stuck}")
    return ordered


def closure(start: Iterable[str], edges: Mapping[str, Iterable[str]]) -> set[str]:
    """Every node reachable from ``start`` along ``edges`` (``start`` included)."""
    seen: set[str] = set()
    pending = list(start)
    while pending:
        node = pending.pop()
        if node in seen:
            continue
        seen.add(node)
        pending.extend(edges.get(node, ()))
    return seen
