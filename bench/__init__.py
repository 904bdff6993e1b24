"""``python -m bench`` (``make bench``): Security Hub members at 100 to 10,000 accounts in 1 to 17 Regions.

For each size (N member accounts, R Regions) a synthesized administrator stack (the ``Members`` construct) is
deployed with the CloudFormation + Provider-framework simulator against the emulator (20 ms per call, rate limits
on), through three cases: fresh enrollment, a converged no-op pass, and 5% drift. Two baselines run against the same emulator settings:
the Terraform ``aws_securityhub_member`` call pattern and a serial, unbatched script (``bench.baselines``). The
sample app is synthesized with a 10-row and a 10,000-row CSV.

Outputs: ``bench/results.md`` (targets, a table per case) and ``bench/plot.png``; intermediate files and the raw
figures (``results.json``) go to ``bench/out/``.

Modules: ``figures`` (definitions: minimum calls, lower bounds), ``library`` (this library, end to end),
``baselines``, ``sample_app`` (synth time), ``runner`` (what a run measures), ``report`` (markdown and plot).
"""
