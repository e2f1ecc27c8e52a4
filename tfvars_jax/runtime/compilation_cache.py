"""JAX's persistent compilation cache, on by default, so a second process starts fast.

A Session run compiles its step with XLA the first time (about half a second for an MLP Adam
step); TF1 starts faster because its kernels are precompiled. With JAX's persistent cache,
a later process that runs the same graph loads the compiled executable from disk instead.
On import, if the user has not configured a cache directory, we set one per user:
`$TFVARS_JAX_CACHE_DIR`, else `$XDG_CACHE_HOME/tfvars_jax/xla` (`~/.cache/tfvars_jax/xla`),
and cache every compile (JAX's default skips compiles under one second, which are most of
ours). Opt out with `TFVARS_JAX_COMPILATION_CACHE=0`. As JAX's own cache, it is not
size-bounded (a bound needs the `filelock` package): delete the directory to clear it. The
cache only stores executables keyed by the program and compiler options: it never changes
results. JAX writes entries atomically, so concurrent processes may share the directory.
"""
import os

import jax


def default_cache_dir():
    """The per-user cache directory (see the module docstring)."""
    explicit = os.environ.get("TFVARS_JAX_CACHE_DIR")
    if explicit:
        return explicit
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "tfvars_jax", "xla")


def enable_persistent_cache():
    """Turns JAX's persistent compilation cache on (see the module docstring).

    Returns:
      The cache directory in use, or None when the user opted out. A directory the user set
      in JAX's configuration is kept as is.
    """
    if os.environ.get("TFVARS_JAX_COMPILATION_CACHE", "1") == "0":
        return None
    configured = jax.config.jax_compilation_cache_dir
    if configured:
        return configured
    path = default_cache_dir()
    try:
        os.makedirs(path, exist_ok=True)
    except OSError:  # a read-only home: run without the cache rather than fail the import
        return None
    jax.config.update("jax_compilation_cache_dir", path)
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
    return path
