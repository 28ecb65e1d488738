"""``python -m bench``: the benchmark suite against the database in ``DATABASE_URL``."""

import os
import sys


def run() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from bench.runner import main

    return main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(run())
