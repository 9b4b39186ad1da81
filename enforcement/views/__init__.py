"""Portal pages of enforcement: the review desk (cases.py) and the register upload (register.py)."""
