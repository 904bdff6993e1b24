"""Reconcile engine for Security Hub across an AWS Organization.

This package is the Lambda asset: standard library and boto3 only. Each handler parses its
custom-resource event, observes the live state, plans the difference and applies it.
"""
