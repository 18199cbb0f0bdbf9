"""Reading, validating and safely writing goals files. The only layer that touches the disk."""
