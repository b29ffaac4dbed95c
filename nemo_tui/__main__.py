"""`python -m nemo_tui` is the same as the `nemo-tui` command."""

from nemo_tui.cli import main

raise SystemExit(main())
