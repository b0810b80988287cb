"""Deliberately broken plugin manifests: start-up must stop and name them."""
