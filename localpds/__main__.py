"""`python -m localpds <command>`: the drive's manage.py.

For example `python -m localpds migrate`, `seed_demo`, `pds_token alice`,
`localpds_import alice ~/Pictures`, `collectstatic`.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "localpds.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["python -m localpds", *sys.argv[1:]])


if __name__ == "__main__":
    main()
