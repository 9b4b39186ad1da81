"""Portal pages for enterprises, split by audience: public, regulators, the enterprise itself."""
