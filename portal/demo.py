"""Fixed facts about the demo organisation, shared by seed_demo and `make run`'s banner."""

DEMO_PASSWORD = "keystone-demo"  # noqa: S105  (fictional demo accounts only)
DEMO_DOMAIN = "harbourview.example"
DEMO_LOGINS = [
    ("admin", f"admin@{DEMO_DOMAIN}"),
    ("analyst", f"analyst@{DEMO_DOMAIN}"),
    ("facilitator", f"facilitator1@{DEMO_DOMAIN}"),
    ("leader", f"leader1@{DEMO_DOMAIN}"),
]
