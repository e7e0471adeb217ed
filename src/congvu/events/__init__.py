"""Domain events and the transactional outbox (sự kiện nghiệp vụ, hộp thư đi).

A producer calls ``congvu.events.services.publish`` inside its transaction; a
consumer app calls ``congvu.events.catalogue.subscribe`` in its
``AppConfig.ready``. The dispatcher (``dispatch.py``) delivers each committed
event to each subscriber at least once, with retries and dead letters, and the
``Delivery`` row of a (message, subscriber) pair is the idempotency key.
See docs/events.md.
"""
