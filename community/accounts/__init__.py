"""Accounts: registering, signing in and out, settings, password reset, profiles."""
