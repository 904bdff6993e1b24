"""Reading a synthesized cloud assembly: its stacks and templates, and CloudFormation's intrinsic functions resolved
as a deploy would resolve them. Shared by the ``plan`` command and the testing simulator, owned by neither."""
