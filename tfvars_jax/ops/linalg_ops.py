"""Linear algebra: diagonals and bands, transposes, inverses and determinants, solves,
decompositions (Cholesky, QR, SVD, self-adjoint eigen), norms, traces, `tf.eye` (`tf.linalg`).

All batch over leading dimensions, as TF1. As TF1's CPU kernels, `matrix_inverse` and
`matrix_solve` of a matrix whose LU factorization has a zero pivot fail the run with
InvalidArgumentError ("Input is not invertible."), changing no variable; a failed Cholesky
gives NaNs (TF 2's kernel returns unspecified values, no error). Decompositions whose vectors
are only defined up to sign (QR, SVD, eigenvectors) come from LAPACK here and Eigen in TF1:
signs of columns may differ, the products they reconstruct agree. Where TF1 composes an op,
ours is one op carrying the name and type of TF1's last op (`norm/Squeeze`, `Trace` of type
"Sum", ...).
"""

import jax
import jax.numpy as jnp
import numpy as np

from tfvars_jax.framework import dtypes
from tfvars_jax.framework import errors
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_builder import convert_to_tensor, make_op, op_output, next_op_name
from tfvars_jax.framework.op_kind import CHECKED, RunCheck
from tfvars_jax.framework.tensor_shape import TensorShape
from tfvars_jax.ops import array_ops
from tfvars_jax.ops import math_ops


def _matrix(x, what, square=False, name="input"):
    x = convert_to_tensor(x, name=name)
    if not (x.dtype.is_floating or x.dtype.is_complex):
        raise TypeError(f"{what}: '{x.name}' must be a floating-point or complex tensor, got "
                        f"{x.dtype.name}.")
    if x.shape.ndims is not None:
        if x.shape.ndims < 2:
            raise ValueError(f"{what}: '{x.name}' must have rank >= 2, got shape {x.shape}.")
        rows, cols = x.shape[-2].value, x.shape[-1].value
        if square and rows is not None and cols is not None and rows != cols:
            raise ValueError(f"{what}: '{x.name}' must be a (batch of) square matrices, got "
                             f"shape {x.shape}.")
    return x


def _same_dtype(a, b, what):
    if a.dtype.base_dtype != b.dtype.base_dtype:
        raise TypeError(f"{what}: '{a.name}' ({a.dtype.name}) and '{b.name}' ({b.dtype.name}) "
                        "must have the same dtype.")


def _check_rhs(matrix, rhs, what):
    m, r = matrix.shape, rhs.shape
    if m.ndims is not None and r.ndims is not None:
        if r.ndims < 2 or not m[-2].is_compatible_with(r[-2]):
            raise ValueError(f"{what}: rhs '{rhs.name}' {r} must have as many rows as matrix "
                             f"'{matrix.name}' {m}.")


# ----- bands, diagonals, transposes ----------------------------------------------------------
def _band_kernel(x, lower, upper):
    rows, cols = x.shape[-2:]
    i = jnp.arange(rows)[:, None]
    j = jnp.arange(cols)[None, :]
    keep = jnp.ones((rows, cols), bool)
    if lower >= 0:
        keep &= (i - j) <= lower
    if upper >= 0:
        keep &= (j - i) <= upper
    return jnp.where(keep, x, jnp.zeros_like(x))


def matrix_band_part(input, num_lower, num_upper, name=None):  # noqa: A002
    """TF1's `tf.matrix_band_part` / `tf.linalg.band_part` ("MatrixBandPart"): keeps the
    `num_lower` sub-diagonals and `num_upper` super-diagonals (-1: all); both must be static."""
    x = convert_to_tensor(input, name="input")
    if x.shape.ndims is not None and x.shape.ndims < 2:
        raise ValueError(f"matrix_band_part: input must be at least rank 2, got {x.shape}.")
    lower, upper = array_ops._int(num_lower), array_ops._int(num_upper)
    return op_output("MatrixBandPart", _band_kernel, [x], name=name or "MatrixBandPart",
                     attrs={"lower": lower, "upper": upper})


def _only_main_diagonal(k, what):
    if k not in (0, None) and not (isinstance(k, (list, tuple)) and list(k) in ([0], [0, 0])):
        raise NotImplementedError(f"{what}: only the main diagonal (k=0) is supported, got "
                                  f"k={k}.")


def _matrix_diag_kernel(d):
    return d[..., :, None] * jnp.eye(d.shape[-1], dtype=d.dtype)


def matrix_diag(diagonal, name="diag", k=0, num_rows=-1, num_cols=-1, padding_value=0,
                align="RIGHT_LEFT"):
    """TF1's `tf.matrix_diag` / `tf.linalg.diag` ("MatrixDiagV3"): square matrices with the last
    axis on the diagonal. Only the defaults of k, num_rows, num_cols, padding_value are
    supported (others raise NotImplementedError)."""
    _only_main_diagonal(k, "matrix_diag")
    if num_rows != -1 or num_cols != -1 or padding_value != 0:
        raise NotImplementedError("matrix_diag: num_rows, num_cols and padding_value are not "
                                  "supported.")
    d = convert_to_tensor(diagonal, name="diagonal")
    if d.shape.ndims == 0:
        raise ValueError("matrix_diag: diagonal must be at least rank 1.")
    return op_output("MatrixDiagV3", _matrix_diag_kernel, [d], name=name)


def _matrix_diag_part_kernel(x):
    return jnp.diagonal(x, axis1=-2, axis2=-1)


def matrix_diag_part(input, name="diag_part", k=0, padding_value=0,  # noqa: A002
                     align="RIGHT_LEFT"):
    """TF1's `tf.matrix_diag_part` / `tf.linalg.diag_part` ("MatrixDiagPartV3"): the main
    diagonal of each innermost matrix (k=0 only)."""
    _only_main_diagonal(k, "matrix_diag_part")
    x = convert_to_tensor(input, name="input")
    if x.shape.ndims is not None and x.shape.ndims < 2:
        raise ValueError(f"matrix_diag_part: input must be at least rank 2, got {x.shape}.")
    return op_output("MatrixDiagPartV3", _matrix_diag_part_kernel, [x], name=name)


def _set_diag_kernel(x, d):
    n = min(x.shape[-2:])
    eye = jnp.eye(x.shape[-2], x.shape[-1], dtype=bool)
    full = jnp.zeros(x.shape, x.dtype)
    full = full.at[..., jnp.arange(n), jnp.arange(n)].set(d)
    return jnp.where(eye, full, x)


def matrix_set_diag(input, diagonal, name="set_diag", k=0, align="RIGHT_LEFT"):  # noqa: A002
    """TF1's `tf.matrix_set_diag` / `tf.linalg.set_diag` ("MatrixSetDiagV3"): `input` with its
    main diagonal replaced by `diagonal` (k=0 only)."""
    _only_main_diagonal(k, "matrix_set_diag")
    x = convert_to_tensor(input, name="input")
    d = convert_to_tensor(diagonal, name="diagonal")
    _same_dtype(x, d, "matrix_set_diag")
    if x.shape.ndims is not None and d.shape.ndims is not None and x.shape.ndims >= 2:
        rows, cols = x.shape[-2].value, x.shape[-1].value
        n = None if rows is None or cols is None else min(rows, cols)
        expected = TensorShape(x.shape.as_list()[:-2] + [n])
        if not expected.is_compatible_with(d.shape):
            raise ValueError(f"matrix_set_diag: diagonal must have shape {expected}, got "
                             f"{d.shape}.")
    return op_output("MatrixSetDiagV3", _set_diag_kernel, [x, d], name=name,
                     out_specs=[(x.dtype.base_dtype, x.shape)])


def _diag_kernel(d):
    n = int(np.prod(d.shape))
    flat = jnp.reshape(d, (-1,))
    return jnp.reshape(flat[:, None] * jnp.eye(n, dtype=d.dtype), d.shape + d.shape)


def diag(diagonal, name=None):
    """TF1's `tf.diag` / `tf.linalg.tensor_diag` ("Diag"): a rank-2k tensor with `diagonal`
    (rank k) on its diagonal."""
    d = convert_to_tensor(diagonal, name="diagonal")
    if d.shape.ndims == 0:
        raise ValueError("diag: input must be at least rank 1.")
    return op_output("Diag", _diag_kernel, [d], name=name or "Diag")


def _diag_part_kernel(x):
    k = x.ndim // 2
    shape = x.shape[:k]
    n = int(np.prod(shape))
    return jnp.reshape(jnp.diagonal(jnp.reshape(x, (n, n))), shape)


def diag_part(input, name=None):  # noqa: A002
    """TF1's `tf.diag_part` / `tf.linalg.tensor_diag_part` ("DiagPart"): the inverse of diag;
    the input's shape must be [d..., d...]."""
    x = convert_to_tensor(input, name="input")
    dims = x.shape.as_tuple()
    if dims is not None:
        k = len(dims) // 2
        if len(dims) % 2 or not TensorShape(dims[:k]).is_compatible_with(TensorShape(dims[k:])):
            raise ValueError(f"diag_part: input must have shape [d..., d...] (even rank), got "
                             f"{x.shape}.")
    return op_output("DiagPart", _diag_part_kernel, [x], name=name or "DiagPart")


def _matrix_transpose_kernel(x, conjugate):
    out = jnp.swapaxes(x, -1, -2)
    return jnp.conj(out) if conjugate else out


def matrix_transpose(a, name="matrix_transpose", conjugate=False):
    """TF1's `tf.matrix_transpose` / `tf.linalg.transpose`: swaps the last two axes (and
    conjugates with `conjugate`); the op is `matrix_transpose/transpose`, as TF1's."""
    with ops_lib.name_scope(name, "matrix_transpose", [a]):
        x = convert_to_tensor(a, name="a")
        if x.shape.ndims is not None and x.shape.ndims < 2:
            raise ValueError(f"Argument 'a' should be a (batch) matrix with rank >= 2.  "
                             f"Received: {x}")
        return op_output("Transpose", _matrix_transpose_kernel, [x], name="transpose",
                         attrs={"conjugate": bool(conjugate)})


def adjoint(matrix, name=None):
    """TF's `tf.linalg.adjoint`: the conjugate transpose of the innermost matrices."""
    with ops_lib.name_scope(name, "adjoint", [matrix]):
        return matrix_transpose(matrix, conjugate=True)


def _trace_kernel(x):
    return jnp.trace(x, axis1=-2, axis2=-1).astype(x.dtype)


def trace(x, name=None):
    """TF1's `tf.trace` / `tf.linalg.trace`: the sum of each innermost matrix's diagonal; the op
    is a "Sum" named `Trace`, as TF1's."""
    with ops_lib.name_scope(name, "Trace", [x]) as scope:
        x = convert_to_tensor(x, name="x")
        if x.shape.ndims is not None and x.shape.ndims < 2:
            raise ValueError(f"trace: x must be at least rank 2, got {x.shape}.")
        return op_output("Sum", _trace_kernel, [x], name=scope)


def _eye_kernel(rows, cols, batch, dtype):
    return jnp.broadcast_to(jnp.eye(rows, cols, dtype=dtype), tuple(batch) + (rows, cols))


def eye(num_rows, num_columns=None, batch_shape=None, dtype=dtypes.float32, name=None):
    """TF1's `tf.eye` / `tf.linalg.eye`: (batches of) identity matrices; sizes must be static.
    The op is `eye/diag` ("MatrixDiagV3"), or `eye/set_diag` ("MatrixSetDiagV3") when
    `num_columns` is given, as TF1's."""
    with ops_lib.name_scope(name, "eye", [num_rows, num_columns, batch_shape]):
        rows = array_ops._int(num_rows)
        cols = rows if num_columns is None else array_ops._int(num_columns)
        batch = () if batch_shape is None else tuple(
            array_ops._static_shape_arg(batch_shape, "eye batch_shape")[0] or ())
        dtype = dtypes.as_dtype(dtype).base_dtype
        op_type, op_name = ("MatrixDiagV3", "diag") if num_columns is None else \
            ("MatrixSetDiagV3", "set_diag")
        return op_output(op_type, _eye_kernel, [], name=op_name,
                         attrs={"rows": rows, "cols": cols, "batch": batch,
                                "dtype": np.dtype(dtype.as_numpy_dtype)},
                         out_specs=[(dtype, TensorShape(list(batch) + [rows, cols]))],
                         graph=ops_lib.get_default_graph())


# ----- inverses, determinants, solves --------------------------------------------------------
def _zero_pivot(a):
    lu, _, _ = jax.lax.linalg.lu(a)
    return jnp.any(jnp.abs(jnp.diagonal(lu, axis1=-2, axis2=-1)) == 0)


def _inverse_kernel(x, adjoint):
    if adjoint:
        x = jnp.conj(jnp.swapaxes(x, -1, -2))
    return jnp.linalg.inv(x)


def matrix_inverse(input, adjoint=False, name=None):  # noqa: A002
    """TF1's `tf.matrix_inverse` / `tf.linalg.inv` ("MatrixInverse"). A singular matrix (a zero
    pivot in its LU factorization) fails the run with InvalidArgumentError, as TF1's kernel."""
    x = _matrix(input, "matrix_inverse", square=True)
    op_name = name or "MatrixInverse"
    message = (f"Input is not invertible. (MatrixInverse op "
               f"'{next_op_name(op_name)}' of '{x.name}')")
    return op_output("MatrixInverse", _inverse_kernel, [x], name=op_name,
                     attrs={"adjoint": bool(adjoint)}, kind=CHECKED,
                     check=RunCheck(_zero_pivot, errors.InvalidArgumentError, message))


def _det_kernel(x):
    return jnp.linalg.det(x)


def matrix_determinant(input, name=None):  # noqa: A002
    """TF1's `tf.matrix_determinant` / `tf.linalg.det` ("MatrixDeterminant")."""
    x = _matrix(input, "matrix_determinant", square=True)
    return op_output("MatrixDeterminant", _det_kernel, [x], name=name or "MatrixDeterminant")


def _slogdet_kernel(x):
    sign, logabs = jnp.linalg.slogdet(x)
    return sign.astype(x.dtype), logabs.astype(jnp.real(x).dtype)


def slogdet(input, name=None):  # noqa: A002
    """TF's `tf.linalg.slogdet` ("LogMatrixDeterminant"): (sign, log |det|)."""
    x = _matrix(input, "slogdet", square=True)
    op = make_op("LogMatrixDeterminant", _slogdet_kernel, [x],
                 name=name or "LogMatrixDeterminant")
    return op.outputs[0], op.outputs[1]


def _logdet_kernel(x):
    chol = jnp.linalg.cholesky(x)
    return 2.0 * jnp.sum(jnp.log(jnp.real(jnp.diagonal(chol, axis1=-2, axis2=-1))), axis=-1)


def logdet(matrix, name=None):
    """TF's `tf.linalg.logdet`: log det of Hermitian positive definite matrices, through their
    Cholesky factor; the op is `logdet/mul`, as TF's."""
    with ops_lib.name_scope(name, "logdet", [matrix]):
        x = _matrix(matrix, "logdet", square=True, name="matrix")
        return op_output("Mul", _logdet_kernel, [x], name="mul")


def _solve_kernel(a, b, adjoint):
    if adjoint:
        a = jnp.conj(jnp.swapaxes(a, -1, -2))
    return jnp.linalg.solve(a, b)


def matrix_solve(matrix, rhs, adjoint=False, name=None):
    """TF1's `tf.matrix_solve` / `tf.linalg.solve` ("MatrixSolve"): X with matrix @ X = rhs.
    A singular matrix fails the run with InvalidArgumentError, as TF1's kernel."""
    a = _matrix(matrix, "matrix_solve", square=True, name="matrix")
    b = _matrix(rhs, "matrix_solve", name="rhs")
    _same_dtype(a, b, "matrix_solve")
    _check_rhs(a, b, "matrix_solve")
    op_name = name or "MatrixSolve"
    message = (f"Input matrix is not invertible. (MatrixSolve op "
               f"'{next_op_name(op_name)}' of '{a.name}')")
    return op_output("MatrixSolve", _solve_kernel, [a, b], name=op_name,
                     attrs={"adjoint": bool(adjoint)}, kind=CHECKED,
                     check=RunCheck(lambda av, bv: _zero_pivot(av),
                                    errors.InvalidArgumentError, message))


def _triangular_solve_kernel(a, b, lower, adjoint):
    return jax.scipy.linalg.solve_triangular(a, b, lower=lower,
                                             trans="C" if adjoint else 0)


def matrix_triangular_solve(matrix, rhs, lower=True, adjoint=False, name=None):
    """TF1's `tf.matrix_triangular_solve` / `tf.linalg.triangular_solve`: X with matrix @ X = rhs
    for a lower (or upper) triangular matrix, reading only that triangle; a zero on the
    diagonal gives inf/nan, as TF1. The op is `triangular_solve/MatrixTriangularSolve`."""
    with ops_lib.name_scope(name, "triangular_solve", [matrix, rhs]):
        a = _matrix(matrix, "matrix_triangular_solve", square=True, name="matrix")
        b = _matrix(rhs, "matrix_triangular_solve", name="rhs")
        _same_dtype(a, b, "matrix_triangular_solve")
        _check_rhs(a, b, "matrix_triangular_solve")
        return op_output("MatrixTriangularSolve", _triangular_solve_kernel, [a, b],
                         name="MatrixTriangularSolve",
                         attrs={"lower": bool(lower), "adjoint": bool(adjoint)})


def _cholesky_solve_kernel(chol, b):
    y = jax.scipy.linalg.solve_triangular(chol, b, lower=True)
    return jax.scipy.linalg.solve_triangular(chol, y, lower=True, trans="C")


def cholesky_solve(chol, rhs, name=None):
    """TF1's `tf.cholesky_solve` / `tf.linalg.cholesky_solve`: X with A @ X = rhs given A's
    lower Cholesky factor; the op is `cholesky_solve/MatrixTriangularSolve_1`, as TF1's."""
    with ops_lib.name_scope(name, "cholesky_solve", [chol, rhs]):
        c = _matrix(chol, "cholesky_solve", square=True, name="chol")
        b = _matrix(rhs, "cholesky_solve", name="rhs")
        _same_dtype(c, b, "cholesky_solve")
        _check_rhs(c, b, "cholesky_solve")
        return op_output("MatrixTriangularSolve", _cholesky_solve_kernel, [c, b],
                         name="MatrixTriangularSolve_1")


def _solve_ls_kernel(a, b, l2):
    at = jnp.conj(jnp.swapaxes(a, -1, -2))
    m, n = a.shape[-2:]
    if m >= n:
        gram = at @ a + l2 * jnp.eye(n, dtype=a.dtype)
        return _cholesky_solve_kernel(jnp.linalg.cholesky(gram), at @ b)
    gram = a @ at + l2 * jnp.eye(m, dtype=a.dtype)
    return at @ _cholesky_solve_kernel(jnp.linalg.cholesky(gram), b)


def matrix_solve_ls(matrix, rhs, l2_regularizer=0.0, fast=True, name=None):
    """TF1's `tf.matrix_solve_ls` / `tf.linalg.lstsq` with `fast=True`: the (regularized)
    least-squares solution through the normal equations and a Cholesky solve, as TF1's fast
    path; `fast=False` (TF1's complete orthogonal decomposition) is not supported."""
    if not fast:
        raise NotImplementedError("matrix_solve_ls(fast=False) is not supported; use fast=True.")
    with ops_lib.name_scope(name, "matrix_solve_ls", [matrix, rhs, l2_regularizer]):
        a = _matrix(matrix, "matrix_solve_ls", name="matrix")
        b = _matrix(rhs, "matrix_solve_ls", name="rhs")
        _same_dtype(a, b, "matrix_solve_ls")
        _check_rhs(a, b, "matrix_solve_ls")
        l2 = math_ops._convert_operand(l2_regularizer, a.dtype, "l2_regularizer")
        rows, cols = (a.shape[-2].value, a.shape[-1].value) if a.shape.ndims else (None, None)
        if rows is not None and cols is not None and rows < cols:  # TF1 ends with A^H @ (...)
            return op_output("MatMul", _solve_ls_kernel, [a, b, l2], name="MatMul_1")
        with ops_lib.name_scope("cholesky_solve"):
            return op_output("MatrixTriangularSolve", _solve_ls_kernel, [a, b, l2],
                             name="MatrixTriangularSolve_1")


# ----- decompositions ------------------------------------------------------------------------
def _cholesky_kernel(x):
    return jnp.linalg.cholesky(x)


def cholesky(input, name=None):  # noqa: A002
    """TF1's `tf.cholesky` / `tf.linalg.cholesky` ("Cholesky"): the lower factor L with
    L @ L^H = input, reading the lower triangle. A matrix that is not positive definite gives
    NaNs (TF 2's kernel returns unspecified values; neither raises)."""
    x = _matrix(input, "cholesky", square=True)
    return op_output("Cholesky", _cholesky_kernel, [x], name=name or "Cholesky")


def _qr_kernel(x, full_matrices):
    return jnp.linalg.qr(x, mode="complete" if full_matrices else "reduced")


def qr(input, full_matrices=False, name=None):  # noqa: A002
    """TF1's `tf.qr` / `tf.linalg.qr` ("Qr"): (q, r) with q orthonormal columns and r upper
    triangular (column signs may differ from TF1's, q @ r agrees)."""
    x = _matrix(input, "qr")
    op = make_op("Qr", _qr_kernel, [x], name=name or "Qr",
                 attrs={"full_matrices": bool(full_matrices)})
    return op.outputs[0], op.outputs[1]


def _svd_kernel(x, full_matrices, compute_uv):
    if not compute_uv:
        return jnp.linalg.svd(x, compute_uv=False)
    u, s, vh = jnp.linalg.svd(x, full_matrices=full_matrices)
    return s, u, jnp.conj(jnp.swapaxes(vh, -1, -2))


def svd(tensor, full_matrices=False, compute_uv=True, name=None):
    """TF1's `tf.svd` / `tf.linalg.svd` ("Svd"): (s, u, v) with tensor = u @ diag(s) @ v^H, or s
    alone with `compute_uv=False`; singular values descending (vector signs may differ from
    TF1's, the reconstruction agrees)."""
    x = _matrix(tensor, "svd", name="tensor")
    op = make_op("Svd", _svd_kernel, [x], name=name or "Svd",
                 attrs={"full_matrices": bool(full_matrices), "compute_uv": bool(compute_uv)})
    return tuple(op.outputs) if compute_uv else op.outputs[0]


def _eigh_kernel(x, vectors):
    # Read the lower triangle only, as TF1: its gradient then lands on that triangle (TF1's
    # SelfAdjointEigV2 gradient: off-diagonal entries doubled, the upper triangle zero).
    lower = jnp.tril(x)
    x = lower + jnp.conj(jnp.swapaxes(jnp.tril(x, -1), -1, -2))
    if not vectors:
        return jnp.linalg.eigvalsh(x, UPLO="L")
    return jnp.linalg.eigh(x, UPLO="L")


def self_adjoint_eig(tensor, name=None):
    """TF1's `tf.self_adjoint_eig` / `tf.linalg.eigh` ("SelfAdjointEigV2"): (eigenvalues
    ascending, eigenvectors as columns), reading the lower triangle."""
    x = _matrix(tensor, "self_adjoint_eig", square=True, name="tensor")
    op = make_op("SelfAdjointEigV2", _eigh_kernel, [x], name=name or "SelfAdjointEigV2",
                 attrs={"vectors": True})
    return op.outputs[0], op.outputs[1]


def self_adjoint_eigvals(tensor, name=None):
    """TF1's `tf.self_adjoint_eigvals` / `tf.linalg.eigvalsh`: the eigenvalues, ascending."""
    x = _matrix(tensor, "self_adjoint_eigvals", square=True, name="tensor")
    return op_output("SelfAdjointEigV2", _eigh_kernel, [x], name=name or "SelfAdjointEigV2",
                     attrs={"vectors": False})


# ----- norms, products -----------------------------------------------------------------------
def _norm_kernel(x, order, axis, keepdims):
    if isinstance(axis, tuple):
        out = jnp.linalg.norm(x, ord=order, axis=axis, keepdims=keepdims)
    else:
        out = jnp.linalg.norm(x if axis is not None else jnp.reshape(x, (-1,)),
                              ord=order, axis=-1 if axis is None else axis, keepdims=keepdims)
        if axis is None and keepdims:
            out = jnp.reshape(out, (1,) * x.ndim)
    return out.astype(jnp.real(x).dtype)


def norm(tensor, ord="euclidean", axis=None, keepdims=None, name=None, keep_dims=None):  # noqa: A002
    """TF1's `tf.norm` / `tf.linalg.norm`: the vector norm over `axis` (all entries when None)
    or the matrix norm over an axis pair; `ord` as TF1 ('euclidean', 'fro', 1, 2, np.inf or a
    positive number for vectors; 'euclidean'/'fro', 1, 2, np.inf for matrices). The op is
    `norm/Squeeze`, as TF1's."""
    if keepdims is not None and keep_dims is not None:
        raise ValueError("Cannot specify both 'keepdims' and 'keep_dims'.")
    keep = bool(keepdims if keepdims is not None else keep_dims)
    if axis is not None:
        axis = array_ops._static_shape_arg(axis, "norm axis")[0]
        axis = axis[0] if len(axis) == 1 else tuple(axis)
    is_matrix = isinstance(axis, tuple)
    if is_matrix and len(axis) != 2:
        raise ValueError(f"'axis' must be None, an integer, or a tuple of 2 unique integers, "
                         f"got {axis}")
    supported = ["euclidean", "fro", 1, 2, np.inf] if is_matrix else None
    if is_matrix and ord not in supported:
        raise ValueError(f"'ord' must be a supported matrix norm in {supported}, got {ord}")
    if not is_matrix and not (ord in ("euclidean", "fro") or
                              (isinstance(ord, (int, float)) and ord > 0)):
        raise ValueError(f"'ord' must be a supported vector norm, got {ord}")
    jax_ord = None if ord in ("euclidean", "fro") else ord
    if is_matrix and ord in ("euclidean", "fro"):
        jax_ord = "fro"
    with ops_lib.name_scope(name, "norm", [tensor]):
        x = convert_to_tensor(tensor, name="tensor")
        if not (x.dtype.is_floating or x.dtype.is_complex):
            raise TypeError(f"norm: '{x.name}' must be floating-point or complex, got "
                            f"{x.dtype.name}.")
        op_type = "Squeeze"  # TF1 squeezes the kept axes last; with keepdims its reduction ends
        if keep:
            if ord in ("euclidean", "fro"):
                op_type = "Sqrt"
            elif ord == 1 and not is_matrix:
                op_type = "Sum"
            elif ord == np.inf or is_matrix:
                op_type = "Max"
            else:
                op_type = "Pow"
        op_name = "Pow_1" if op_type == "Pow" else op_type
        return op_output(op_type, _norm_kernel, [x], name=op_name,
                         attrs={"order": jax_ord, "axis": axis, "keepdims": keep})


def _matvec_kernel(a, b, transpose_a, adjoint_a):
    if transpose_a or adjoint_a:
        a = jnp.swapaxes(a, -1, -2)
        a = jnp.conj(a) if adjoint_a else a
    return jnp.matmul(a, b[..., None])[..., 0]


def matvec(a, b, transpose_a=False, adjoint_a=False, a_is_sparse=False, b_is_sparse=False,
           name=None):
    """TF's `tf.linalg.matvec`: a @ b for matrices a and vectors b (batched); the op is
    `MatVec/Squeeze`, as TF's."""
    with ops_lib.name_scope(name, "MatVec", [a, b]):
        a, b = math_ops._pair(a, b, None)
        return op_output("Squeeze", _matvec_kernel, [a, b], name="Squeeze",
                         attrs={"transpose_a": bool(transpose_a), "adjoint_a": bool(adjoint_a)})


def _cross_kernel(a, b):
    return jnp.cross(a, b)


def cross(a, b, name=None):
    """TF1's `tf.cross` / `tf.linalg.cross` ("Cross"): pairwise cross products of 3-vectors."""
    a, b = math_ops._pair(a, b, None)
    for t in (a, b):
        if t.shape.ndims is not None and (t.shape.ndims < 1 or
                                          t.shape[-1].value not in (None, 3)):
            raise ValueError(f"cross: the last dimension of '{t.name}' must be 3, got "
                             f"{t.shape}.")
    return op_output("Cross", _cross_kernel, [a, b], name=name or "Cross")


def _pinv_kernel(a, rcond):
    if rcond is None:
        rcond = 10.0 * max(a.shape[-2:]) * jnp.finfo(a.dtype).eps
    return jnp.linalg.pinv(a, rtol=rcond)


def pinv(a, rcond=None, validate_args=False, name=None):
    """TF's `tf.linalg.pinv`: the Moore-Penrose pseudo-inverse through the SVD, singular values
    below rcond * largest dropped (default rcond 10 * max(rows, cols) * eps, as TF's). The op
    is `pinv/MatMul`, as TF's."""
    with ops_lib.name_scope(name, "pinv", [a, rcond]):
        x = _matrix(a, "pinv", name="a")
        if not x.dtype.is_floating:
            raise TypeError(f"pinv: '{x.name}' must be floating-point, got {x.dtype.name}.")
        return op_output("MatMul", _pinv_kernel, [x], name="MatMul",
                         attrs={"rcond": None if rcond is None else float(rcond)})


