"""iCalendar (RFC 5545) feeds: each person's sessions, prompt releases and goal deadlines."""
