"""Turning assessments into things people and scripts read: Rich tables, charts, JSON."""
