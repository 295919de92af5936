"""Set before NumPy is first imported by `lionrock match` (the command imports this module first).

The matcher does no linear algebra, so NumPy's BLAS need not start a thread per core when it is loaded:
about 0.03 CPU s of every run. A user's own `OPENBLAS_NUM_THREADS` is left as it is.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
