"""Clutter injection: derived gold sets with duplicate bodies, ads, related teasers and the rest, labelled exactly."""
