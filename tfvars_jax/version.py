"""Version strings: TF1's `tf.version` module, and ours.

`tf.__version__` is TF1-style: the TF1 API level we follow, with our own version as a PEP 440
local label (`"1.15.0+tfvars_jax.0.2.0"`), so `print(tf.__version__)` tells a TF1 user both
and version checks such as `tf.__version__.startswith("1.")` behave as on TF 1.15.
"""
VERSION = "1.15.0"               # TF1's `tf.VERSION` / `tf.version.VERSION`: the API we follow
TFVARS_JAX_VERSION = "0.2.0"     # this package's release (pyproject reads it from here)
__version__ = f"{VERSION}+tfvars_jax.{TFVARS_JAX_VERSION}"
