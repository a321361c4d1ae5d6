"""Imported once, by the process a local cluster's workers are forked from (multiprocessing's
forkserver, on Linux): Dask, trueopen's readers, the catalog and the license index are loaded
there, before any worker exists, so each worker starts warm instead of importing and loading it
all again (about 0.9 s of CPU per worker). The forkserver stops on anything but ImportError while
importing this, so nothing may escape: a worker that does not start warm warms itself."""

try:
    import distributed  # noqa: F401

    from .worker import warm

    warm()
    from ..licenses import verbatim

    verbatim.forget()  # an SQLite connection must not cross a fork: each worker opens its own
except Exception:  # noqa: BLE001, S110 - best effort; see above
    pass
