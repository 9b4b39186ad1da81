"""Official documents: numbered per authority × kind × year, rendered once, verifiable."""
