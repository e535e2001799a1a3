"""The console: an in-memory adapter (tests, benchmarks) and a terminal REPL over it."""

from adapters.console.memory import Delivered, MemoryAdapter

__all__ = ["Delivered", "MemoryAdapter"]
