"""Sending notification e-mails (filled in by the delivery work of issue 15)."""

from __future__ import annotations


def enqueue_emails(notification_ids: list[int]) -> None:
    """Queue a job that e-mails these notifications (pending ones stay for the periodic run)."""
