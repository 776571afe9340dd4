"""The user's images: reading a folder into classes, decoding, the decoded cache, health checks, labeling."""
