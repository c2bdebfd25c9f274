"""Every onboarding write, one module per noun. Each service opens a transaction and records its activity."""
