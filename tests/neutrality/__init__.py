"""Tests for the mediation.neutrality package, one module per module."""
