"""Cases, orders and fines (built in a later issue)."""
