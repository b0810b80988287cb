"""Authentication: password hashing, login sessions, throttling, login views."""
