"""The command line: thin Click commands over the engine and the renderers."""
