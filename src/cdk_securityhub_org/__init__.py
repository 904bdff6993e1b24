"""AWS CDK constructs that run AWS Security Hub (CSPM) across an AWS Organization."""
