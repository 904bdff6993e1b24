"""Test handlers for the simulator tests (deployed as a Lambda asset by the test apps)."""
