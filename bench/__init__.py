"""Benchmarks of congvu on PostgreSQL: data generator (``generate``) and measurements (``run``)."""
