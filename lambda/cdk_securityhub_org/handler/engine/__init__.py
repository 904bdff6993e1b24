"""The reconcile engine every kind shares: declaration reading, observe (the reads), plan primitives, apply (the
writes: batches, retries, rate limits, budget), per-Region results, the Provider-framework entry logic, logs and
metrics."""
