"""WeChat Official Account and WeCom callbacks: signatures and encryption, once-only replies,
phone-sized text."""

from .views import bp

__all__ = ["bp"]
