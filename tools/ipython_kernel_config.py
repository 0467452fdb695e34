# The kernels that `make book` and `make test` start (copied to _build/ipython by the Makefile).
# Each listens on 127.0.0.1 and would log "Kernel is running over TCP without encryption":
# two dozen warnings in a build that has none of its own. Errors still show.
c.IPKernelApp.log_level = "ERROR"  # noqa: F821 (IPython's config object)
