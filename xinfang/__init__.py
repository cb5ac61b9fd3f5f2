"""Xinfang — 信访事项办理系统."""

__version__ = "0.1.0"
