"""Incoming documents (văn bản đến): registration, presentation, direction and processing."""
