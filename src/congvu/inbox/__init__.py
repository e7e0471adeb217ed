"""Việc của tôi: the inbox of work waiting for an official, reminders and deadlines per unit."""
