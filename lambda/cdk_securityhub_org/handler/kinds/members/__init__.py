"""The kind that reconciles the member list, in the administrator account: ``spec`` (the declaration), ``plan`` (pure planners),
``permissions`` (IAM actions) and ``kind`` (observe, plan, apply; the Lambda entry points)."""
