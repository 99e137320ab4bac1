"""Webhooks: receivers told of event changes (subscriptions), the outbox written with each change, and delivery.

Writes never call this package: `feed_versions.changing()` hands each write to the outbox.
"""
