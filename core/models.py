"""Core tables: audit log, jobs, notifications, throttle counters (the models live beside their logic)."""
from core.audit import AuditLog
from core.jobs import Job
from core.notifications import Notification
from core.throttle import ThrottleCounter

__all__ = ["AuditLog", "Job", "Notification", "ThrottleCounter"]
