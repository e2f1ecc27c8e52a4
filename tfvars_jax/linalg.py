"""`tf.linalg`: linear algebra (the same op definitions as TF1's top-level `tf.matrix_*`,
`tf.cholesky`, `tf.qr`, ... names; see `ops/linalg_ops.py`)."""
from tfvars_jax import _namespace
from tfvars_jax.ops.linalg_ops import adjoint
from tfvars_jax.ops.linalg_ops import matrix_band_part as band_part
from tfvars_jax.ops.linalg_ops import cholesky
from tfvars_jax.ops.linalg_ops import cholesky_solve
from tfvars_jax.ops.linalg_ops import cross
from tfvars_jax.ops.linalg_ops import matrix_determinant as det
from tfvars_jax.ops.linalg_ops import matrix_diag as diag
from tfvars_jax.ops.linalg_ops import matrix_diag_part as diag_part
from tfvars_jax.ops.linalg_ops import self_adjoint_eig as eigh
from tfvars_jax.ops.linalg_ops import self_adjoint_eigvals as eigvalsh
from tfvars_jax.ops.linalg_ops import eye
from tfvars_jax.ops.linalg_ops import matrix_inverse as inv
from tfvars_jax.ops.linalg_ops import logdet
from tfvars_jax.ops.linalg_ops import matrix_solve_ls as lstsq
from tfvars_jax.ops.linalg_ops import matrix_transpose
from tfvars_jax.ops.linalg_ops import matrix_transpose as transpose
from tfvars_jax.ops.linalg_ops import matvec
from tfvars_jax.ops.linalg_ops import norm
from tfvars_jax.ops.linalg_ops import pinv
from tfvars_jax.ops.linalg_ops import qr
from tfvars_jax.ops.linalg_ops import matrix_set_diag as set_diag
from tfvars_jax.ops.linalg_ops import slogdet
from tfvars_jax.ops.linalg_ops import matrix_solve as solve
from tfvars_jax.ops.linalg_ops import svd
from tfvars_jax.ops.linalg_ops import diag as tensor_diag
from tfvars_jax.ops.linalg_ops import diag_part as tensor_diag_part
from tfvars_jax.ops.linalg_ops import trace
from tfvars_jax.ops.linalg_ops import matrix_triangular_solve as triangular_solve
from tfvars_jax.ops.math_ops import einsum
from tfvars_jax.ops.math_ops import global_norm
from tfvars_jax.ops.math_ops import matmul
from tfvars_jax.ops.math_ops import tensordot
from tfvars_jax.ops.nn_ops import l2_normalize

__all__ = [
    "adjoint", "band_part", "cholesky", "cholesky_solve", "cross", "det", "diag", "diag_part",
    "eigh", "eigvalsh", "eye", "inv", "logdet", "lstsq", "matrix_transpose", "transpose",
    "matvec", "norm", "pinv", "qr", "set_diag", "slogdet", "solve", "svd", "tensor_diag",
    "tensor_diag_part", "trace", "triangular_solve", "einsum", "global_norm", "matmul",
    "tensordot", "l2_normalize",
]

__getattr__ = _namespace.unsupported_getattr(__name__)
