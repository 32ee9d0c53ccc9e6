"""Follow-up lists and event results."""
