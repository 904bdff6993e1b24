"""The kind that reconciles the delegated administrator, designated from the management account: ``spec`` (the declaration), ``plan`` (pure planners),
``permissions`` (IAM actions) and ``kind`` (observe, plan, apply; the Lambda entry points)."""
