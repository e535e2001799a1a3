"""Platform adapters: they translate events into the core and render its replies."""
