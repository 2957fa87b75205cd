"""Course Assistant: a self-hostable course-finding chat assistant."""

__version__ = "0.1.0"
