"""One module per command (after pipx): each parses its options and calls the layers below."""
