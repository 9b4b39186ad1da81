"""The enterprises' in-portal inbox: one message per event, also sent by email."""
