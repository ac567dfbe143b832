"""Huey discovers each app's `tasks` module; tracking's periodic jobs live in the modules named below."""
