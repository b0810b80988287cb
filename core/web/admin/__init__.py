"""Admin pages: dealers and hook failures (platform); users, modules and reason lists (dealer)."""
