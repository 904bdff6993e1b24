"""The kind that reconciles Security Hub configuration policies and their associations (central configuration),
in the administrator account's home Region: ``spec`` (the declaration), ``plan`` (pure planners), ``permissions``
(IAM actions) and ``kind`` (observe, plan, apply; the Lambda entry points)."""
