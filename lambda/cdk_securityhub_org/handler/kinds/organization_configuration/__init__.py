"""The kind that reconciles the organization configuration and the finding aggregator, in the administrator account: ``spec`` (the declaration), ``plan`` (pure planners),
``permissions`` (IAM actions) and ``kind`` (observe, plan, apply; the Lambda entry points)."""
