"""The pure core: model, schema, dates, values and progress maths. No I/O, no Typer, no Rich."""
