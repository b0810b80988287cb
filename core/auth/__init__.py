"""Authentication: password hashing, login sessions, throttling (the login pages are core/web/auth.py)."""
