"""Admin pages: dealers and hook failures (platform), users and modules (dealer)."""
