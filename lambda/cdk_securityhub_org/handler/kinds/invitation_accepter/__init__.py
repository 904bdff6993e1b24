"""The kind that reconciles the invitation acceptance, in an invited member account: ``spec`` (the declaration), ``plan`` (pure planners),
``permissions`` (IAM actions) and ``kind`` (observe, plan, apply; the Lambda entry points)."""
