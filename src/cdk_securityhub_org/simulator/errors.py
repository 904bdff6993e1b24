"""Exceptions raised by the simulator for problems that stop it before CloudFormation would act."""

from __future__ import annotations


class SimulatorError(Exception):
    """Base class: the simulator cannot carry out the request as given."""


class AssemblyError(SimulatorError):
    """The cloud assembly (``cdk.out``) is missing, malformed, or asks for something the simulator lacks."""


class TemplateError(SimulatorError):
    """A template cannot be evaluated: CloudFormation would reject it as a template format error."""
