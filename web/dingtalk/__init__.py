"""The DingTalk enterprise robot's HTTP callback: signatures checked as DingTalk publishes them, once-only
replies, answers as markdown."""

from .views import bp

__all__ = ["bp"]
