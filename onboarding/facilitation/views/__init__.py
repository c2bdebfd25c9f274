"""Facilitation views, one module per area: cohort tools, prompts and the library, the first-timer queue,
private reviews. Thin: parse, check permission, validate, call a service or selector, render."""
