"""The benchmark suite (``python -m bench``) and the load test (``python -m bench.loadtest``).

Operations are registered by the apps, in a ``bench`` module of each installed app (found by
autodiscovery when the suite runs, so production never imports this package); see
:mod:`bench.operations`. Results go to ``bench/RESULTS.md`` with ``--write-results``.
"""
