"""Reads for onboarding pages, one module per noun. Selectors join what pages need so templates run no queries."""
