"""`tf.math.special`: special functions. Not shipped: the Bessel functions of the first and
second kind `bessel_j0`/`j1`/`y0`/`y1` and the modified ones of the second kind
`bessel_k0`/`k0e`/`k1`/`k1e` (JAX has no kernel for them: they would need TF's Cephes
expansions written out)."""
from tfvars_jax import _namespace
from tfvars_jax.ops.math_ops import bessel_i0
from tfvars_jax.ops.math_ops import bessel_i0e
from tfvars_jax.ops.math_ops import bessel_i1
from tfvars_jax.ops.math_ops import bessel_i1e
from tfvars_jax.ops.math_ops import dawsn
from tfvars_jax.ops.math_ops import expint
from tfvars_jax.ops.math_ops import fresnel_cos
from tfvars_jax.ops.math_ops import fresnel_sin
from tfvars_jax.ops.math_ops import spence

__all__ = ["bessel_i0", "bessel_i0e", "bessel_i1", "bessel_i1e", "dawsn", "expint",
           "fresnel_cos", "fresnel_sin", "spence"]

__getattr__ = _namespace.unsupported_getattr("tfvars_jax.math.special")
