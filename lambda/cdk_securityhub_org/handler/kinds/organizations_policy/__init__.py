"""The kind that reconciles an AWS Organizations Security Hub CSPM policy from the management account: ``spec``
(the declaration), ``plan`` (pure planners), ``permissions`` (IAM actions) and ``kind`` (observe, plan, apply)."""
