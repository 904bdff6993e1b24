"""One stack operation (create, update, delete) carried out the way CloudFormation does it.

Resources are processed one at a time in dependency order (``DependsOn`` plus the references in
``Ref``, ``Fn::GetAtt`` and ``Fn::Sub``). Custom resources go through the Provider framework; all
others are inert records. Failures roll back as CloudFormation would: a failed create deletes what
was created; a failed update sends every updated custom resource an Update with old and new
properties swapped, in reverse order, then deletes what the update created. Resources removed by a
successful update, and the old physical IDs of replaced ones, are deleted in the cleanup phase.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

from cdk_securityhub_org.cloud_assembly.errors import TemplateError
from cdk_securityhub_org.cloud_assembly.graph import CycleError, closure, dependency_order
from cdk_securityhub_org.cloud_assembly.intrinsics import (
    PseudoParameters,
    Resolver,
    as_delivered,
    check_supported,
    references,
)
from cdk_securityhub_org.testing.simulator import inert_resources
from cdk_securityhub_org.testing.simulator.clock import Clock
from cdk_securityhub_org.testing.simulator.provider_framework import ProviderFramework
from cdk_securityhub_org.testing.simulator.results import CustomResourceReport, DeployResult, Failure, Phase, StackEvent
from cdk_securityhub_org.testing.simulator.state import (
    OutputState,
    ResourceState,
    SimulatorState,
    StackState,
    is_custom_resource,
)

STACK_TYPE = "AWS::CloudFormation::Stack"


@dataclass(frozen=True)
class _Definition:
    """A resource as the template declares it (after evaluating its ``Condition``)."""

    logical_id: str
    resource_type: str
    properties: Mapping[str, Any]
    deletion_policy: str
    update_replace_policy: str


@dataclass
class _Change:
    """What an update did to one resource, so that a rollback can undo it."""

    logical_id: str
    kind: Literal["create", "update", "replace"]
    previous: ResourceState | None
    sent_properties: dict[str, Any] | None
    """The properties an Update request carried (``None`` when no request reached the handler)."""


class StackEngine:
    """Creates, updates or deletes one stack, recording events and custom-resource reports in ``result``.

    ``force_custom_resource_updates`` sends every custom resource an Update even when its properties did
    not change (CloudFormation itself would send nothing): a reconcile pass over an unchanged declaration.
    """

    def __init__(
        self,
        *,
        world: SimulatorState,
        stack: StackState,
        framework: ProviderFramework,
        clock: Clock,
        result: DeployResult,
        code_directory: Callable[[str], Path | None],
        force_custom_resource_updates: bool = False,
    ) -> None:
        self._world = world
        self._stack = stack
        self._framework = framework
        self._clock = clock
        self._result = result
        self._inert = inert_resources.InertContext(stack.account, stack.region, stack.stack_name, code_directory)
        self._force_custom_resource_updates = force_custom_resource_updates
        self._imports: set[str] = set()

    # ----------------------------------------------------------------------------------- operations

    def create(self, template: dict[str, Any]) -> None:
        """Create the stack from ``template``; roll back on failure.

        Raises :class:`TemplateError`, before anything happens, for a template CloudFormation would reject.
        """
        stack = self._stack
        resolver = self._resolver(template)
        definitions, order = self._plan(template, resolver)
        stack.template, stack.resources, stack.outputs = template, {}, {}
        self._stack_status("CREATE_IN_PROGRESS", "User Initiated")
        created: list[str] = []
        failure = ""
        for logical_id in order:
            ok = self._create(definitions[logical_id], resolver)
            if logical_id in stack.resources:
                created.append(logical_id)
            if not ok:
                failure = f"The following resource(s) failed to create: [{logical_id}]. Rollback requested by user."
                break
        else:
            try:
                stack.outputs = self._outputs(template, resolver)
            except TemplateError as error:
                failure = str(error)
                self._fail(stack.stack_name, failure)
        if not failure:
            stack.imports = sorted(self._imports)
            self._stack_status("CREATE_COMPLETE")
            return
        self._stack_status("ROLLBACK_IN_PROGRESS", failure)
        rollback_ok = True
        for logical_id in reversed(created):
            rollback_ok = self._delete(stack.resources[logical_id], "rollback", stack.resources) and rollback_ok
        stack.outputs = {}
        self._stack_status("ROLLBACK_COMPLETE" if rollback_ok else "ROLLBACK_FAILED")

    def update(self, template: dict[str, Any]) -> None:
        """Update the stack to ``template``; roll back on failure, clean up on success.

        Raises :class:`TemplateError`, before anything happens, for a template CloudFormation would reject.
        """
        stack = self._stack
        resolver = self._resolver(template)
        definitions, order = self._plan(template, resolver)
        old_template, old_resources = stack.template, dict(stack.resources)
        self._stack_status("UPDATE_IN_PROGRESS", "User Initiated")
        changes: list[_Change] = []
        outputs: dict[str, OutputState] = {}
        failure = ""
        for logical_id in order:
            change, ok = self._apply(definitions[logical_id], old_resources.get(logical_id), resolver)
            if change is not None:
                changes.append(change)
            if not ok:
                failure = f"The following resource(s) failed to update: [{logical_id}]."
                break
        else:
            try:
                outputs = self._outputs(template, resolver)
                self._check_exports_in_use(outputs)
            except TemplateError as error:
                failure = str(error)
                self._fail(stack.stack_name, failure)
        if failure:
            self._roll_back_update(changes, failure)
            return
        stack.template, stack.outputs, stack.imports = template, outputs, sorted(self._imports)
        self._stack_status("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")
        replaced = {change.logical_id: change.previous for change in changes if change.kind == "replace"}
        for logical_id in reversed(self._order(old_template, old_resources)):
            if logical_id not in definitions:
                self._delete(old_resources[logical_id], "cleanup", stack.resources)
            elif (previous := replaced.get(logical_id)) is not None:
                # The replaced physical resource: UpdateReplacePolicy, not DeletionPolicy, decides.
                policy = definitions[logical_id].update_replace_policy
                self._delete(replace(previous, deletion_policy=policy), "cleanup", None)
        self._stack_status("UPDATE_COMPLETE")

    def delete(self) -> bool:
        """Delete the stack's resources in reverse dependency order. True when the stack is gone."""
        stack = self._stack
        for export_name in stack.exports():
            users = self._world.importers(stack, export_name)
            if users:
                reason = f"Export {export_name} cannot be deleted as it is in use by {', '.join(users)}"
                self._stack_status("DELETE_FAILED", reason)
                self._fail(stack.stack_name, reason)
                return False
        self._stack_status("DELETE_IN_PROGRESS", "User Initiated")
        dependencies = self._dependencies(stack.template, stack.resources)
        blocked: set[str] = set()
        failed = False
        for logical_id in reversed(self._order(stack.template, stack.resources)):
            if logical_id in blocked:
                continue  # something that still exists depends on it
            if not self._delete(stack.resources[logical_id], "destroy", stack.resources):
                failed = True
                blocked |= closure(dependencies.get(logical_id, ()), dependencies)
        if failed:
            self._stack_status("DELETE_FAILED", "The stack deletion failed: see the failed resources.")
            return False
        stack.outputs, stack.imports = {}, []
        self._stack_status("DELETE_COMPLETE")
        return True

    # ------------------------------------------------------------------------------ single resources

    def _create(self, definition: _Definition, resolver: Resolver) -> bool:
        logical_id, resource_type = definition.logical_id, definition.resource_type
        self._event(logical_id, resource_type, "CREATE_IN_PROGRESS")
        try:
            properties = resolver.resolve(dict(definition.properties), f"Resources.{logical_id}.Properties") or {}
        except TemplateError as error:
            self._event(logical_id, resource_type, "CREATE_FAILED", str(error))
            self._fail(logical_id, str(error))
            return False
        record = ResourceState(
            logical_id=logical_id,
            resource_type=resource_type,
            physical_id="",
            properties=properties,
            deletion_policy=definition.deletion_policy,
            update_replace_policy=definition.update_replace_policy,
        )
        if is_custom_resource(resource_type):
            record.properties = as_delivered(properties)
            report = self._request("Create", record, "deploy")
            record.physical_id, record.attributes = report.physical_id, report.data
            self._stack.resources[logical_id] = record
            if report.status == "FAILED":
                record.status = "CREATE_FAILED"
                self._event(logical_id, resource_type, "CREATE_FAILED", report.reason, record.physical_id)
                self._fail(logical_id, report.reason)
                return False
        else:
            made = inert_resources.materialize(resource_type, logical_id, properties, self._inert)
            record.physical_id, record.attributes, record.code_directory = (
                made.physical_id,
                made.attributes,
                made.code_directory,
            )
            self._stack.resources[logical_id] = record
        self._event(logical_id, resource_type, "CREATE_COMPLETE", physical_id=record.physical_id)
        return True

    def _apply(
        self, definition: _Definition, previous: ResourceState | None, resolver: Resolver
    ) -> tuple[_Change | None, bool]:
        """Bring one resource to its new definition during an update."""
        logical_id = definition.logical_id
        if previous is None:
            ok = self._create(definition, resolver)
            return (_Change(logical_id, "create", None, None) if logical_id in self._stack.resources else None), ok
        if previous.resource_type != definition.resource_type:
            # A new type is a new resource; the old one is deleted in the cleanup phase.
            del self._stack.resources[logical_id]
            ok = self._create(definition, resolver)
            return _Change(logical_id, "replace", previous, None), ok
        return self._update(definition, previous, resolver)

    def _update(
        self, definition: _Definition, previous: ResourceState, resolver: Resolver
    ) -> tuple[_Change | None, bool]:
        logical_id, resource_type = definition.logical_id, definition.resource_type
        try:
            properties = resolver.resolve(dict(definition.properties), f"Resources.{logical_id}.Properties") or {}
        except TemplateError as error:
            self._event(logical_id, resource_type, "UPDATE_FAILED", str(error), previous.physical_id)
            self._fail(logical_id, str(error))
            return _Change(logical_id, "update", previous, None), False
        if is_custom_resource(resource_type):
            properties = as_delivered(properties)
        current = replace(
            previous,
            deletion_policy=definition.deletion_policy,
            update_replace_policy=definition.update_replace_policy,
        )
        forced = self._force_custom_resource_updates and is_custom_resource(resource_type)
        if properties == previous.properties and not forced:
            # CloudFormation sends nothing for a resource whose properties did not change.
            self._stack.resources[logical_id] = current
            return None, True
        self._event(logical_id, resource_type, "UPDATE_IN_PROGRESS", physical_id=previous.physical_id)
        if not is_custom_resource(resource_type):
            made = inert_resources.materialize(
                resource_type, logical_id, properties, self._inert, physical_id=previous.physical_id
            )
            self._stack.resources[logical_id] = replace(
                current,
                properties=properties,
                attributes=made.attributes,
                code_directory=made.code_directory,
                status="UPDATE_COMPLETE",
            )
            self._event(logical_id, resource_type, "UPDATE_COMPLETE", physical_id=previous.physical_id)
            return _Change(logical_id, "update", previous, None), True
        if properties.get("ServiceToken") != previous.properties.get("ServiceToken"):
            reason = "Modifying service token is not allowed."
            self._event(logical_id, resource_type, "UPDATE_FAILED", reason, previous.physical_id)
            self._fail(logical_id, reason)
            return _Change(logical_id, "update", previous, None), False
        report = self._request("Update", replace(current, properties=properties), "deploy", old=previous.properties)
        if report.status == "FAILED":
            self._event(logical_id, resource_type, "UPDATE_FAILED", report.reason, previous.physical_id)
            self._fail(logical_id, report.reason)
            return _Change(logical_id, "update", previous, properties), False
        self._stack.resources[logical_id] = replace(
            current,
            properties=properties,
            physical_id=report.physical_id,
            attributes=report.data,
            status="UPDATE_COMPLETE",
        )
        kind: Literal["update", "replace"] = "update"
        if report.physical_id != previous.physical_id:
            kind = "replace"
            self._event(
                logical_id,
                resource_type,
                "UPDATE_IN_PROGRESS",
                "Requested update requires the creation of a new physical resource; hence creating one.",
                report.physical_id,
            )
        self._event(logical_id, resource_type, "UPDATE_COMPLETE", physical_id=report.physical_id)
        return _Change(logical_id, kind, previous, properties), True

    def _delete(self, record: ResourceState, phase: Phase, remove_from: dict[str, ResourceState] | None) -> bool:
        """Delete one resource (honouring ``DeletionPolicy: Retain``); drop it from ``remove_from`` when gone."""
        logical_id, resource_type = record.logical_id, record.resource_type
        if record.deletion_policy == "Retain":
            self._event(logical_id, resource_type, "DELETE_SKIPPED", physical_id=record.physical_id)
        else:
            self._event(logical_id, resource_type, "DELETE_IN_PROGRESS", physical_id=record.physical_id)
            # A custom resource whose Create never got an answer has no physical ID: nothing to delete.
            if record.is_custom and record.physical_id:
                report = self._request("Delete", record, phase)
                if report.status == "FAILED":
                    record.status = "DELETE_FAILED"
                    self._event(logical_id, resource_type, "DELETE_FAILED", report.reason, record.physical_id)
                    self._fail(logical_id, report.reason)
                    return False
            self._event(logical_id, resource_type, "DELETE_COMPLETE", physical_id=record.physical_id)
        if remove_from is not None and remove_from.get(logical_id) is record:
            del remove_from[logical_id]
        return True

    def _roll_back_update(self, changes: list[_Change], failure: str) -> None:
        stack = self._stack
        self._stack_status("UPDATE_ROLLBACK_IN_PROGRESS", failure)
        ok = True
        to_remove: list[_Change] = []
        for change in reversed(changes):
            if change.kind != "update":
                to_remove.append(change)
                continue
            assert change.previous is not None
            previous = change.previous
            resource_type = previous.resource_type
            if change.sent_properties is None:
                # No request reached a handler: an inert record is simply put back.
                stack.resources[change.logical_id] = previous
                if not previous.is_custom:
                    self._event(change.logical_id, resource_type, "UPDATE_COMPLETE", physical_id=previous.physical_id)
                continue
            # Old and new swapped: the handler is asked to go back to the previous properties.
            self._event(change.logical_id, resource_type, "UPDATE_IN_PROGRESS", physical_id=previous.physical_id)
            report = self._request("Update", previous, "rollback", old=change.sent_properties)
            if report.status == "FAILED":
                ok = False
                self._event(change.logical_id, resource_type, "UPDATE_FAILED", report.reason, previous.physical_id)
                self._fail(change.logical_id, report.reason)
                continue
            stack.resources[change.logical_id] = replace(previous, attributes=report.data)
            self._event(change.logical_id, resource_type, "UPDATE_COMPLETE", physical_id=previous.physical_id)
        self._stack_status("UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS")
        for change in to_remove:
            created = stack.resources.get(change.logical_id)
            if created is not None and created is not change.previous:
                ok = self._delete(created, "rollback", stack.resources) and ok
            if change.previous is not None:
                stack.resources[change.logical_id] = change.previous
        self._stack_status("UPDATE_ROLLBACK_COMPLETE" if ok else "UPDATE_ROLLBACK_FAILED")

    def _request(
        self, request_type: str, record: ResourceState, phase: Phase, old: dict[str, Any] | None = None
    ) -> CustomResourceReport:
        stack = self._stack
        request_id = str(uuid.uuid4())
        event: dict[str, Any] = {
            "RequestType": request_type,
            "ServiceToken": record.properties.get("ServiceToken"),
            "ResponseURL": (
                f"https://cloudformation-custom-resource-response-{stack.region.replace('-', '')}"
                f".s3.{stack.region}.amazonaws.com/{quote(stack.stack_id, safe='')}%7C{record.logical_id}"
                f"%7C{request_id}?X-Amz-Algorithm=AWS4-HMAC-SHA256"
            ),
            "StackId": stack.stack_id,
            "RequestId": request_id,
            "LogicalResourceId": record.logical_id,
            "ResourceType": record.resource_type,
            "ResourceProperties": record.properties,
        }
        if request_type != "Create":
            event["PhysicalResourceId"] = record.physical_id
        if old is not None:
            event["OldResourceProperties"] = old
        report = self._framework.handle(event, stack_name=stack.stack_name, phase=phase)
        self._result.custom_resources.append(report)
        return report

    # ------------------------------------------------------------------------------- template logic

    def _resolver(self, template: Mapping[str, Any]) -> Resolver:
        stack = self._stack
        pseudo = PseudoParameters(stack.account, stack.region, stack.stack_name, stack.stack_id)
        return Resolver(template, pseudo, _Lookup(self._world, stack, self._imports))

    def _plan(self, template: Mapping[str, Any], resolver: Resolver) -> tuple[dict[str, _Definition], list[str]]:
        """The template's resources (conditions applied) and the order to create them in.

        Raises :class:`TemplateError` for what CloudFormation would reject before starting.
        """
        check_supported(template)
        definitions: dict[str, _Definition] = {}
        for logical_id, body in template.get("Resources", {}).items():
            if "Condition" in body and not resolver.condition(body["Condition"]):
                continue
            definitions[logical_id] = _Definition(
                logical_id=logical_id,
                resource_type=body["Type"],
                properties=body.get("Properties", {}),
                deletion_policy=body.get("DeletionPolicy", "Delete"),
                update_replace_policy=body.get("UpdateReplacePolicy", "Delete"),
            )
        return definitions, self._order(template, definitions)

    @staticmethod
    def _dependencies(template: Mapping[str, Any], present: Mapping[str, object]) -> dict[str, set[str]]:
        resources = template.get("Resources", {})
        found: dict[str, set[str]] = {}
        for logical_id in present:
            body = resources.get(logical_id, {})
            depends_on = body.get("DependsOn", [])
            explicit = {depends_on} if isinstance(depends_on, str) else set(depends_on)
            found[logical_id] = {name for name in explicit | references(body.get("Properties", {})) if name in present}
        return found

    def _order(self, template: Mapping[str, Any], present: Mapping[str, object]) -> list[str]:
        """Dependency order of the ``present`` resources; ties keep the template's order."""
        declared = [logical_id for logical_id in template.get("Resources", {}) if logical_id in present]
        undeclared = [logical_id for logical_id in present if logical_id not in declared]
        try:
            return dependency_order(undeclared + declared, self._dependencies(template, present))
        except CycleError as error:
            raise TemplateError(f"Circular dependency between resources: {error}") from error

    def _outputs(self, template: Mapping[str, Any], resolver: Resolver) -> dict[str, OutputState]:
        outputs: dict[str, OutputState] = {}
        for name, body in template.get("Outputs", {}).items():
            if "Condition" in body and not resolver.condition(body["Condition"]):
                continue
            export = body.get("Export", {}).get("Name")
            outputs[name] = OutputState(
                value=resolver.resolve(body["Value"], f"Outputs.{name}.Value"),
                export_name=resolver.resolve(export, f"Outputs.{name}.Export.Name") if export else None,
            )
        return outputs

    def _check_exports_in_use(self, outputs: Mapping[str, OutputState]) -> None:
        new_exports = {output.export_name: output.value for output in outputs.values() if output.export_name}
        for name, value in self._stack.exports().items():
            users = self._world.importers(self._stack, name)
            if users and name not in new_exports:
                raise TemplateError(f"Export {name} cannot be deleted as it is in use by {', '.join(users)}")
            if users and new_exports[name] != value:
                raise TemplateError(f"Cannot update export {name} as it is in use by {', '.join(users)}")

    # ------------------------------------------------------------------------------------ reporting

    def _stack_status(self, status: str, reason: str = "") -> None:
        self._stack.status = status
        self._event(self._stack.stack_name, STACK_TYPE, status, reason, self._stack.stack_id)

    def _event(self, logical_id: str, resource_type: str, status: str, reason: str = "", physical_id: str = "") -> None:
        self._result.events.append(
            StackEvent(
                self._clock.now(), self._stack.stack_name, logical_id, physical_id, resource_type, status, reason
            )
        )

    def _fail(self, logical_id: str, reason: str) -> None:
        self._result.failures.append(Failure(self._stack.stack_name, logical_id, reason))


class _Lookup:
    """Live resource values for the resolver, read from the stack being operated on."""

    def __init__(self, world: SimulatorState, stack: StackState, imports: set[str]) -> None:
        self._world = world
        self._stack = stack
        self._imports = imports

    def _resource(self, logical_id: str) -> ResourceState:
        resource = self._stack.resources.get(logical_id)
        if resource is None:
            raise TemplateError(f"resource {logical_id} does not exist (yet)")
        return resource

    def ref(self, logical_id: str) -> Any:
        return self._resource(logical_id).physical_id

    def get_att(self, logical_id: str, attribute: str) -> Any:
        resource = self._resource(logical_id)
        if not resource.is_custom:
            return inert_resources.attribute(self._stack, resource, attribute)
        if attribute not in resource.attributes:
            raise TemplateError(
                f"CustomResource attribute error: Vendor response doesn't contain {attribute} attribute in "
                f"object {self._stack.stack_id}|{logical_id}|{resource.physical_id}"
            )
        return resource.attributes[attribute]

    def import_value(self, export_name: str) -> Any:
        exports = self._world.exports(self._stack.account, self._stack.region)
        if export_name not in exports or exports[export_name][0] == self._stack.stack_name:
            raise TemplateError(f"No export named {export_name} found")
        # Recorded so that the exporter cannot delete or change an export that is in use.
        self._imports.add(export_name)
        return exports[export_name][1]
