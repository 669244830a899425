"""The one list of tests expected to fail for now: node id → why. It only shrinks.

Each entry becomes `xfail(strict=True)`: the day its test passes, the run fails until the entry goes.
An issue is resolved only when none of its tests is listed here.
"""

EXPECTED_FAILURES: dict[str, str] = {}
