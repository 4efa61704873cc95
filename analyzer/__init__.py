"""interaction-analyzer: how every department talks to its customers."""

__version__ = "0.1.0"

__all__ = ["__version__", "run"]


def __getattr__(name):
    # The public API is imported lazily so `import analyzer` stays cheap.
    if name in ("run", "RunResult"):
        from analyzer.engine import local

        return getattr(local, name)
    raise AttributeError(f"module 'analyzer' has no attribute {name!r}")
