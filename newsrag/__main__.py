"""`python -m newsrag ...` runs the `newsrag` command."""

from newsrag.cli import main

raise SystemExit(main())
