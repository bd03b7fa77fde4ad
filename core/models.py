"""Core tables: the audit log and throttle counters (the models live beside their logic)."""
from core.audit import AuditLog
from core.throttle import ThrottleCounter

__all__ = ["AuditLog", "ThrottleCounter"]
