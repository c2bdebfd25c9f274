"""Onboarding forms (input validation only), one module per noun."""
