"""trueopen: how open an AI model really is, what you may do with it, and which one to use."""

__version__ = "0.1.0"
