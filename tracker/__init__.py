"""track: find the follow-ups in meeting notes and keep GitHub issues in step with them."""

__version__ = "0.1.0"
