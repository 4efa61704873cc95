"""The review web app (analyzer review serve)."""
