"""Architectures, how images become model input, and reading and writing model and weight files."""
