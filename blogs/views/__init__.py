"""Thin views: parse, check permission, validate, call a service or selector, render. One module per noun."""
