"""The Typer layer: parses options and wires the store, core and render layers together."""
