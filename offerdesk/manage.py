"""The `offerdesk` console script: Django's management commands for this project (`offerdesk help` lists them)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "offerdesk.config.settings.dev")
    import django
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line, get_commands

    from offerdesk.core.cli import main_argv, unknown_command_exit

    try:
        django.setup()
    except ImproperlyConfigured:  # broken settings: Django's own entry point reports them as it always does
        execute_from_command_line(sys.argv)
        return
    known = get_commands()
    argv = main_argv(sys.argv, known)
    code = unknown_command_exit(argv, known)
    if code is not None:
        sys.exit(code)
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
