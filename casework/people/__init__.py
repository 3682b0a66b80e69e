"""The people records are about: survivors and the history of their details."""
