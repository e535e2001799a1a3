"""Features: each registers its commands, buttons and forms with the registry."""
