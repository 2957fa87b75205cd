"""Course Assistant: a self-hostable course-finding chat assistant."""
import os

# One BLAS thread per process unless the operator sets otherwise (read by OpenBLAS when numpy first
# loads, so set before that): the assistant's matrix work is small (one message's features times a
# small matrix; small models fitted at start), for which BLAS threads only wait on each other, and
# their start-up alone takes 0.2 s of the other core while a first start needs both; a server runs
# one process per core.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

__version__ = "0.1.0"
