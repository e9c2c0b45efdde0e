"""`python -m activate_dash`: see `activate_dash.cli`."""

from activate_dash.cli import main

raise SystemExit(main())
