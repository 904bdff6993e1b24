"""What goes wrong reading a cloud assembly."""


class CloudAssemblyError(Exception):
    """The cloud assembly cannot be read as given."""


class AssemblyError(CloudAssemblyError):
    """The assembly's manifest or a stack artifact is missing or malformed."""


class TemplateError(CloudAssemblyError):
    """A template uses something that cannot be resolved before deployment."""
