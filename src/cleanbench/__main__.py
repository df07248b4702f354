import sys

from cleanbench.cli import main

sys.exit(main())
