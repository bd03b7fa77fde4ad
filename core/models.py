"""Core tables: audit log, notifications, throttle counters (the models live beside their logic)."""
from core.audit import AuditLog
from core.notifications import Notification
from core.throttle import ThrottleCounter

__all__ = ["AuditLog", "Notification", "ThrottleCounter"]
