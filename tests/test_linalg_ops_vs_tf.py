"""Differential tests: `tf.linalg` and TF1's top-level linear-algebra ops on TensorFlow and on
tfvars_jax (names, types, shapes, dtypes, values, gradients, errors). Decompositions whose
vectors are defined up to sign (QR, SVD, eigenvectors) are compared by absolute value; their
gradients (of a sign-invariant loss) exactly."""
import os

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
tf1 = pytest.importorskip("tensorflow.compat.v1")
tf1.disable_v2_behavior()

import tfvars_jax as tfj  # noqa: E402
from tests._differential import assert_same, run_op  # noqa: E402

pytestmark = [pytest.mark.tensorflow, pytest.mark.filterwarnings("ignore")]

rng = np.random.RandomState(3)
A = rng.normal(size=(2, 3, 3)).astype(np.float64)
SPD = (A @ np.swapaxes(A, -1, -2) + 3 * np.eye(3)).astype(np.float64)
B = rng.normal(size=(2, 3, 2)).astype(np.float64)
TALL = rng.normal(size=(4, 3)).astype(np.float32)
WIDE = rng.normal(size=(2, 5)).astype(np.float32)
V = rng.normal(size=(2, 3)).astype(np.float32)
M32 = A[0].astype(np.float32)

CASES = {
    "band_part": (lambda tf, x: tf.matrix_band_part(x, 1, 0), [A]),
    "band_part_linalg": (lambda tf, x: tf.linalg.band_part(x, -1, 1), [TALL]),
    "matrix_diag": (lambda tf, v: tf.matrix_diag(v), [V]),
    "matrix_diag_part": (lambda tf, x: tf.linalg.diag_part(x), [TALL]),
    "matrix_set_diag": (lambda tf, x, d: tf.matrix_set_diag(x, d), [WIDE, V[0, :2]]),
    "matrix_set_diag_batch": (lambda tf, x, d: tf.linalg.set_diag(x, d), [A, V.astype("f8")]),
    "diag": (lambda tf, v: tf.diag(v), [V]),
    "diag_part": (lambda tf, x: tf.diag_part(tf.diag(x)), [V]),
    "matrix_transpose": (lambda tf, x: tf.matrix_transpose(x), [A]),
    "adjoint": (lambda tf, x: tf.linalg.adjoint(x), [TALL]),
    "trace": (lambda tf, x: tf.trace(x), [A]),
    "eye": (lambda tf, x: x + tf.eye(3, dtype=tf.float64), [A]),
    "eye_columns_batch": (lambda tf, x: tf.eye(2, 5, batch_shape=[3]) * x, [WIDE]),
    "matrix_inverse": (lambda tf, x: tf.matrix_inverse(x), [A]),
    "matrix_inverse_adjoint": (lambda tf, x: tf.linalg.inv(x, adjoint=True), [M32]),
    "matrix_determinant": (lambda tf, x: tf.matrix_determinant(x), [A]),
    "slogdet": (lambda tf, x: tf.linalg.slogdet(x), [A]),
    "logdet": (lambda tf, x: tf.linalg.logdet(x), [SPD]),
    "matrix_solve": (lambda tf, a, b: tf.matrix_solve(a, b), [A, B]),
    "matrix_solve_adjoint": (lambda tf, a, b: tf.linalg.solve(a, b, adjoint=True), [A, B]),
    "triangular_solve": (lambda tf, a, b: tf.matrix_triangular_solve(a + 3.0, b), [A, B]),
    "triangular_solve_upper_adj": (lambda tf, a, b: tf.linalg.triangular_solve(
        a + 3.0, b, lower=False, adjoint=True), [A, B]),
    "cholesky": (lambda tf, x: tf.cholesky(x), [SPD]),
    "cholesky_solve": (lambda tf, x, b: tf.cholesky_solve(tf.cholesky(x), b), [SPD, B]),
    "matrix_solve_ls": (lambda tf, a, b: tf.matrix_solve_ls(a, b, l2_regularizer=0.1),
                        [TALL, TALL[:, :2]]),
    "lstsq_wide": (lambda tf, a, b: tf.linalg.lstsq(a, b), [WIDE, WIDE[:, :1]]),
    "self_adjoint_eigvals": (lambda tf, x: tf.self_adjoint_eigvals(x), [SPD]),
    "norm": (lambda tf, x: tf.norm(x), [A]),
    "norm_axis": (lambda tf, x: tf.norm(x, ord=1, axis=1, keepdims=True), [TALL]),
    "norm_inf": (lambda tf, x: tf.linalg.norm(x, ord=np.inf, axis=-1), [V]),
    "norm_p": (lambda tf, x: tf.norm(x, ord=3), [V]),
    "norm_p_keepdims": (lambda tf, x: tf.norm(x, ord=3, axis=1, keepdims=True), [V]),
    "norm_keepdims": (lambda tf, x: tf.norm(x, keepdims=True), [A]),
    "norm_matrix_fro": (lambda tf, x: tf.norm(x, ord="fro", axis=[-2, -1]), [A]),
    "norm_matrix_1": (lambda tf, x: tf.norm(x, ord=1, axis=[0, 1]), [TALL]),
    "norm_matrix_inf": (lambda tf, x: tf.norm(x, ord=np.inf, axis=[0, 1], keepdims=True),
                        [TALL]),
    "matvec": (lambda tf, a, v: tf.linalg.matvec(a, v), [A[0], A[1, 0]]),
    "cross": (lambda tf, a, b: tf.cross(a, b), [V, V[::-1]]),
    "pinv": (lambda tf, x: tf.linalg.pinv(x), [TALL]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_linalg_op_matches_tf(case):
    build, inputs = CASES[case]
    assert_same(run_op(tfj, build, inputs), run_op(tf1, build, inputs), rtol=1e-4, atol=1e-5)


SIGNED = {
    "qr": (lambda tf, x: tf.qr(x), [TALL]),
    "qr_full": (lambda tf, x: tf.linalg.qr(x, full_matrices=True), [A]),
    "svd": (lambda tf, x: tf.svd(x), [TALL]),
    "svd_values": (lambda tf, x: tf.svd(x, compute_uv=False), [A]),
    "svd_wide": (lambda tf, x: tf.linalg.svd(x), [WIDE]),
    "self_adjoint_eig": (lambda tf, x: tf.self_adjoint_eig(x), [SPD]),
}


@pytest.mark.parametrize("case", sorted(SIGNED))
def test_decomposition_matches_tf_up_to_signs(case):
    build, inputs = SIGNED[case]
    grads = case != "qr_full"  # TF1 has no QR gradient for full_matrices
    ours, ref = run_op(tfj, build, inputs, grads), run_op(tf1, build, inputs, grads)
    for r in (ours, ref):
        r["values"] = [np.abs(v) for v in r["values"]]
    assert_same(ours, ref, rtol=1e-4, atol=1e-5)


def _run_bad(tf, build, value):
    with tf.Graph().as_default():
        v = tf.Variable(1.0, name="v")
        p = tf.placeholder(tf.float32, [None, None], name="p")
        out = build(tf, p)
        with tf.control_dependencies([out]):
            step = v.assign_add(1.0)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            try:
                sess.run([out, step], {p: value})
                error = None
            except tf.errors.OpError as e:
                error = type(e).__name__
            return error, sess.run(v)


SINGULAR = [[1.0, 2.0], [2.0, 4.0]]


@pytest.mark.parametrize("build", [
    lambda tf, p: tf.matrix_inverse(p),
    lambda tf, p: tf.matrix_solve(p, tf.ones([2, 1])),
], ids=["matrix_inverse", "matrix_solve"])
@pytest.mark.parametrize("value", [SINGULAR, [[0.0, 0.0], [0.0, 0.0]], [[2.0, 1.0], [1.0, 3.0]]],
                         ids=["singular", "zeros", "regular"])
def test_singular_matrix_fails_the_run_as_tf(build, value):
    ref, ours = _run_bad(tf1, build, value), _run_bad(tfj, build, value)
    assert ours == ref
    assert ours == ((None, 2.0) if value[0][0] == 2.0 else ("InvalidArgumentError", 1.0))


GRAPH_ERRORS = {
    "inverse_not_square": lambda tf: tf.matrix_inverse(tf.zeros([2, 3])),
    "inverse_int": lambda tf: tf.matrix_inverse(tf.zeros([2, 2], tf.int32)),
    "solve_rows": lambda tf: tf.matrix_solve(tf.zeros([3, 3]), tf.zeros([2, 1])),
    "cholesky_rank1": lambda tf: tf.cholesky(tf.zeros([3])),
    "transpose_rank1": lambda tf: tf.matrix_transpose(tf.zeros([3])),
    "norm_bad_ord": lambda tf: tf.norm(tf.zeros([3]), ord=-1),
    "norm_bad_matrix_ord": lambda tf: tf.norm(tf.zeros([3, 3]), ord=3, axis=[0, 1]),
    "cross_not_3": lambda tf: tf.cross(tf.zeros([2]), tf.zeros([2])),
}


@pytest.mark.parametrize("case", sorted(GRAPH_ERRORS))
def test_graph_time_errors_as_tf(case):
    for tf in (tf1, tfj):
        with tf.Graph().as_default(), pytest.raises((ValueError, TypeError)):
            GRAPH_ERRORS[case](tf)


def test_linalg_namespace_uses_the_top_level_definitions():
    assert tfj.linalg.inv is tfj.matrix_inverse and tfj.linalg.det is tfj.matrix_determinant
    assert tfj.linalg.eigh is tfj.self_adjoint_eig and tfj.linalg.band_part is tfj.matrix_band_part
    assert tfj.linalg.matmul is tfj.matmul and tfj.linalg.trace is tfj.trace
