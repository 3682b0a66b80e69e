"""Run the `casework` command as `python -m casework` (no console script needed)."""

from casework.cli import main

main()
