"""TF1's initializers on JAX: distributions (bounds and moments from large samples), fan
rules, orthogonality, Constant's fill rules, dtype handling and errors, configs.

The expected numbers come from TF1's definitions in init_ops.py; the same properties are
checked against real TensorFlow in test_initializers_vs_tf.py.
"""
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from tfvars_jax.variables import initializers as I

KEY = jax.random.key(0)
BIG = (400, 500)  # 200k values; fans (400, 500)
TRUNC = 0.87962566103423978  # stddev of a standard normal truncated to [-2, 2]


def draw(init, shape=BIG, dtype=None, **kw):
    return np.asarray(init.sample(KEY, shape, dtype, **kw), dtype=np.float64)


def assert_moments(x, mean, std, rtol=0.01):
    assert abs(x.mean() - mean) < 0.02 * std  # >= 5 standard errors for 73k values
    assert x.std() == pytest.approx(std, rel=rtol)


class FakeDType:
    """Stands in for tfvars_jax's tf.DType: only `as_numpy_dtype` matters."""

    as_numpy_dtype = np.int16


# --- dtypes and shapes --------------------------------------------------------------------

@pytest.mark.parametrize("given, expected", [
    ("float32", np.float32), ("float", np.float32), ("double", np.float64),
    ("half", np.float16), ("bfloat16", jnp.bfloat16), ("int64", np.int64), ("bool", np.bool_),
    (np.float64, np.float64), (np.dtype("uint8"), np.uint8), (float, np.float32),
    (bool, np.bool_), (FakeDType(), np.int16), (jnp.bfloat16, jnp.bfloat16),
])
def test_as_numpy_dtype_accepts_what_tf_as_dtype_accepts(given, expected):
    assert I.as_numpy_dtype(given) == np.dtype(expected)


@pytest.mark.parametrize("bad", ["int", "f4", "complex", "foo", None, int, complex, object, [1]])
def test_as_numpy_dtype_rejects_what_tf_rejects(bad):
    with pytest.raises(TypeError, match="Cannot convert"):
        I.as_numpy_dtype(bad)


@pytest.mark.parametrize("shape, fans", [
    ((), (1, 1)), ((7,), (7, 7)), ((3, 5), (3, 5)), ((3, 3, 4, 8), (36, 72)),
    ((2, 3, 5, 4, 6), (120, 180)), ((0, 4), (0, 4)),
])
def test_compute_fans_follows_tf1(shape, fans):
    assert I.compute_fans(shape) == fans


def test_resolve_call_dtype_wins_and_shapes_normalize():
    class ShapeLike:
        def as_list(self):
            return [2, 3]
    init = I.RandomNormal(dtype="float16")
    assert init.resolve([2, 3]) == ((2, 3), np.dtype("float16"))
    assert init.resolve(ShapeLike(), "float32") == ((2, 3), np.dtype("float32"))
    assert jax.eval_shape(lambda k: init.sample(k, (2, 3), "bfloat16"), KEY).dtype == jnp.bfloat16
    assert jax.eval_shape(lambda k: init.sample(k, (2, 3)), KEY).dtype == jnp.float16


@pytest.mark.parametrize("shape, error", [([2, None], ValueError), ([-1], ValueError),
                                          (3, TypeError)])
def test_resolve_rejects_undefined_shapes(shape, error):
    with pytest.raises(error, match="shape"):
        I.Zeros().resolve(shape)


def test_partition_arguments_accept_shape_objects():
    class ShapeLike:
        def as_list(self):
            return [4, 6]
    part = I.Identity().sample(None, [2, 3], full_shape=ShapeLike(), var_offset=[1, 2])
    np.testing.assert_array_equal(part, np.eye(4, 6)[1:3, 2:5])


def test_resolve_checks_partition_arguments():
    with pytest.raises(ValueError, match="rank"):
        I.VarianceScaling().resolve((2, 3), full_shape=(6,))
    with pytest.raises(ValueError, match="full_shape"):
        I.Identity().resolve((2, 2), var_offset=(0, 0))


# --- deterministic initializers -----------------------------------------------------------

@pytest.mark.parametrize("dtype", ["float32", "int32", "bool", "complex64", "bfloat16"])
def test_zeros_and_ones_take_any_dtype(dtype):
    z = I.zeros_initializer().sample(None, (2, 3), dtype)
    o = I.ones_initializer(dtype=dtype).sample(None, (2, 3))
    assert z.dtype == o.dtype == np.dtype(I.as_numpy_dtype(dtype))
    assert (np.asarray(z) == 0).all() and (np.asarray(o) == 1).all()
    assert not I.Zeros.needs_key and not I.Ones.needs_key


@pytest.mark.parametrize("value, shape, expected", [
    (3, (2, 2), [[3, 3], [3, 3]]),
    ([0, 1, 2, 3, 4, 5, 6, 7], (2, 4), [[0, 1, 2, 3], [4, 5, 6, 7]]),
    ([0, 1, 2, 3, 4, 5, 6, 7], (3, 4), [[0, 1, 2, 3], [4, 5, 6, 7], [7, 7, 7, 7]]),
    ([[1, 2], [3, 4]], (3, 2), [[1, 2], [3, 4], [4, 4]]),
    ((1, 2), (3,), [1, 2, 2]),
    ([], (3,), [0, 0, 0]),
    ([5.0], (), 5.0),
    (np.arange(8).reshape(2, 4), (4, 2), [[0, 1], [2, 3], [4, 5], [6, 7]]),
    (np.arange(3), (2, 3), [[0, 1, 2], [2, 2, 2]]),
    (True, (2,), [1, 1]),
])
def test_constant_fills_like_tf1_graph_mode(value, shape, expected):
    out = I.constant_initializer(value).sample(None, shape)
    assert out.dtype == jnp.float32
    np.testing.assert_array_equal(out, np.asarray(expected, np.float32))


def test_constant_casts_numpy_but_checks_python_values():
    np.testing.assert_array_equal(
        I.Constant(np.array([1.5, 2.7])).sample(None, (2,), "int32"), [1, 2])
    np.testing.assert_array_equal(I.Constant(True).sample(None, (2,), "int32"), [1, 1])
    np.testing.assert_array_equal(I.Constant(1 + 2j).sample(None, (1,), "complex64"), [1 + 2j])
    for value, dtype in [(1.5, "int32"), (1.0, "int32"), (1, "bool"), ("a", "float32")]:
        with pytest.raises(TypeError, match="but got"):
            I.Constant(value, dtype=dtype).sample(None, (2,))


def test_constant_size_and_verify_shape_errors():
    with pytest.raises(ValueError, match="Takes at most 6, but got 8"):
        I.Constant(list(range(8))).sample(None, (2, 3))
    with pytest.raises(ValueError, match="Takes at most 0, but got 2"):
        I.Constant(np.array([1.0, 2.0])).sample(None, (0,))
    assert I.Constant([1.5, 2.0]).sample(None, (0,), "int32").shape == (0,)  # TF1 skips checks
    with pytest.raises(TypeError, match=r"Expected Tensor's shape: \(3, 4\), but got \(8,\)"):
        I.Constant(list(range(8)), verify_shape=True).sample(None, (3, 4))
    with pytest.raises(TypeError, match=r"but got \(\)"):
        I.Constant(3.0, verify_shape=True).sample(None, (2, 2))
    np.testing.assert_array_equal(
        I.Constant([[1, 2], [3, 4]], verify_shape=True).sample(None, (2, 2)), [[1, 2], [3, 4]])
    with pytest.raises(ValueError, match="inhomogeneous"):
        I.Constant([[1, 2], [3]]).sample(None, (4,))


@pytest.mark.parametrize("value", [None, jnp.ones(2), {"a": 1}])
def test_constant_rejects_non_python_non_numpy_values(value):
    with pytest.raises(TypeError, match="Invalid type for initial value"):
        I.Constant(value)


@pytest.fixture
def glue(monkeypatch):
    """A stand-in for the graph core's initializer_tensor that records its arguments."""
    calls = []

    def initializer_tensor(init, shape, dtype, partition_info):
        calls.append((init, shape, dtype, partition_info))
        return init.sample(KEY, shape, dtype)

    monkeypatch.setattr(I, "initializer_tensor", initializer_tensor)
    return calls


def test_call_delegates_to_the_graph_glue(glue):
    init = I.Zeros()
    partition = object()
    init([2, 3], "int32", partition)
    assert glue == [(init, [2, 3], "int32", partition)]


def test_constant_call_verify_shape_applies_to_that_call_only(glue):
    init = I.Constant([1.0, 2.0])
    np.testing.assert_array_equal(init([3]), [1, 2, 2])
    with pytest.raises(TypeError, match="Expected Tensor's shape"):
        init([3], verify_shape=True)
    assert init._verify_shape is False
    np.testing.assert_array_equal(I.Constant([1.0], verify_shape=True)([3], verify_shape=False),
                                  [1, 1, 1])


def test_identity_values_partitions_and_errors():
    np.testing.assert_array_equal(I.Identity(gain=2.0).sample(None, (2, 3)),
                                  [[2, 0, 0], [0, 2, 0]])
    full = np.eye(4, 6) * 3
    part = I.identity_initializer(3.0).sample(None, (2, 3), full_shape=(4, 6), var_offset=(1, 2))
    np.testing.assert_array_equal(part, full[1:3, 2:5])
    for shape in [(2,), (2, 2, 2), ()]:
        with pytest.raises(ValueError, match="two-dimensional"):
            I.Identity().sample(None, shape)
    with pytest.raises(ValueError, match="var_offset"):
        I.Identity().sample(None, (2, 3), full_shape=(4, 6))
    with pytest.raises(ValueError, match="floating point"):
        I.Identity(dtype="int32")
    with pytest.raises(TypeError, match="`gain` must be int32"):
        I.Identity().sample(None, (2, 2), "int32")
    np.testing.assert_array_equal(I.Identity(gain=2).sample(None, (2, 3), "int32"),
                                  [[2, 0, 0], [0, 2, 0]])
    assert not I.Identity.needs_key


# --- random initializers ------------------------------------------------------------------

@pytest.mark.parametrize("minval, maxval", [(0.0, None), (-3.0, 5.0), (2.0, -1.0)])
def test_random_uniform_bounds_and_moments(minval, maxval):
    hi = 1.0 if maxval is None else maxval
    x = draw(I.random_uniform_initializer(minval, maxval))
    lo_bound, hi_bound = sorted((minval, hi))
    assert lo_bound <= x.min() and x.max() <= hi_bound
    assert x.min() == pytest.approx(lo_bound, abs=1e-3 * abs(hi - minval))
    assert x.max() == pytest.approx(hi_bound, abs=1e-3 * abs(hi - minval))
    assert_moments(x, (minval + hi) / 2, abs(hi - minval) / math.sqrt(12))
    assert not (x == minval + 0 * x).all()


def test_random_uniform_integers():
    x = np.asarray(I.RandomUniform(-3, 7).sample(KEY, BIG, "int32"))
    assert x.dtype == np.int32 and x.min() == -3 and x.max() == 6
    counts = np.bincount(x.ravel() + 3)
    assert counts.min() > 0.95 * x.size / 10
    assert I.RandomUniform(dtype="int32").dtype == np.int32  # no check at construction


@pytest.mark.parametrize("init, dtype, error, match", [
    (I.RandomUniform(), "int32", ValueError, "must specify maxval"),
    (I.RandomUniform(maxval=10), "int32", TypeError, "`minval` must be int32"),
    (I.RandomUniform(0, 10.0), "int32", TypeError, "`maxval` must be int32"),
    (I.RandomUniform(5, 5), "int32", ValueError, "minval < maxval"),
    (I.RandomUniform(0, 10), "int8", ValueError, "invalid value int8"),
    (I.RandomUniform(), "bool", ValueError, "invalid value bool"),
    (I.RandomUniform(), "complex64", ValueError, "invalid value complex64"),
])
def test_random_uniform_dtype_errors(init, dtype, error, match):
    with pytest.raises(error, match=match):
        init.sample(KEY, (3,), dtype)


def test_random_normal_moments():
    assert_moments(draw(I.random_normal_initializer(1.5, 2.0)), 1.5, 2.0)
    assert_moments(draw(I.RandomNormal()), 0.0, 1.0)


@pytest.mark.parametrize("mean, stddev", [(0.0, 1.0), (-2.0, 0.3)])
def test_truncated_normal_bounds_and_moments(mean, stddev):
    x = draw(I.truncated_normal_initializer(mean, stddev))
    assert np.abs(x - mean).max() <= 2 * stddev * (1 + 1e-6)
    assert np.abs(x - mean).max() > 1.99 * stddev
    assert_moments(x, mean, TRUNC * stddev)


RANDOM_FLOAT_ONLY = [I.RandomNormal, I.TruncatedNormal, I.UniformUnitScaling,
                     I.VarianceScaling, I.Orthogonal]


@pytest.mark.parametrize("cls", RANDOM_FLOAT_ONLY)
@pytest.mark.parametrize("dtype", ["int32", "bool", "complex64"])
def test_float_only_initializers_reject_other_dtypes_like_tf1(cls, dtype):
    with pytest.raises(ValueError, match=f"{cls.__name__}.*floating point.*{dtype}"):
        cls(dtype=dtype)
    with pytest.raises(TypeError, match=f"{cls.__name__}.*cannot produce {dtype}"):
        cls().sample(KEY, (3, 3), dtype)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_random_initializers_produce_half_precision(dtype):
    for cls in RANDOM_FLOAT_ONLY + [I.RandomUniform]:
        out = jax.eval_shape(lambda k: cls(dtype=dtype).sample(k, (4, 5)), KEY)  # no compile
        assert out.dtype == I.as_numpy_dtype(dtype)


def test_bfloat16_truncated_normal_values():
    x = np.asarray(I.TruncatedNormal(dtype="bfloat16").sample(KEY, (4, 5)), np.float32)
    assert np.isfinite(x).all() and np.abs(x).max() <= 2 and x.std() > 0.5


def test_float64_with_x64():
    with jax.enable_x64(True):
        assert I.VarianceScaling().sample(KEY, (4, 5), "float64").dtype == jnp.float64


def vs_n(mode, fans):
    fan_in, fan_out = fans
    return {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]


@pytest.mark.parametrize("shape", [(400, 500), (3, 3, 64, 128)], ids=["dense", "conv"])
@pytest.mark.parametrize("mode", ["fan_in", "fan_out", "fan_avg"])
@pytest.mark.parametrize("distribution", ["truncated_normal", "normal", "untruncated_normal",
                                          "uniform"])
def test_variance_scaling_scale_fans_and_distribution(shape, mode, distribution):
    scale = 2.5
    s = scale / vs_n(mode, I.compute_fans(shape))
    x = draw(I.variance_scaling_initializer(scale, mode, distribution), shape)
    assert_moments(x, 0.0, math.sqrt(s))
    bound = {"uniform": math.sqrt(3 * s), "untruncated_normal": math.inf}.get(
        distribution, 2 * math.sqrt(s) / TRUNC)
    assert np.abs(x).max() <= bound * (1 + 1e-6)
    if distribution == "untruncated_normal":
        assert np.abs(x).max() > 4 * math.sqrt(s)
    else:
        assert np.abs(x).max() > 0.99 * bound


@pytest.mark.parametrize("shape", [(), (7,), (0, 4)])
def test_variance_scaling_small_and_empty_shapes(shape):
    # No error (jax.nn.initializers raises for these); eval_shape runs the Python, no compile.
    out = jax.eval_shape(lambda k: I.VarianceScaling(mode="fan_avg").sample(k, shape), KEY)
    assert out.shape == shape


def test_variance_scaling_uses_full_shape_for_partitions():
    part = draw(I.VarianceScaling(distribution="uniform"), full_shape=(4000, 500))
    assert np.abs(part).max() == pytest.approx(math.sqrt(3 / 4000), rel=1e-3)


@pytest.mark.parametrize("kwargs, match", [
    ({"scale": 0.0}, "`scale` must be a positive float"),
    ({"scale": -1}, "`scale` must be a positive float"),
    ({"mode": "FAN_IN"}, "`mode` should be one of"),
    ({"distribution": "foo"}, "`distribution` should be one of"),
])
def test_variance_scaling_argument_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        I.VarianceScaling(**kwargs)


def test_variance_scaling_lowercases_distribution():
    assert I.VarianceScaling(distribution="Uniform").get_config()["distribution"] == "uniform"


@pytest.mark.parametrize("shape", [(400, 500), (3, 3, 64, 128)], ids=["dense", "conv"])
def test_glorot_and_he_lecun(shape):
    fan_in, fan_out = I.compute_fans(shape)
    x = draw(I.glorot_uniform_initializer(), shape)
    limit = math.sqrt(6 / (fan_in + fan_out))
    assert np.abs(x).max() <= limit and np.abs(x).max() > 0.999 * limit
    assert_moments(draw(I.glorot_normal_initializer(), shape), 0, math.sqrt(2 / (fan_in + fan_out)))
    assert_moments(draw(I.he_normal(), shape), 0, math.sqrt(2 / fan_in))
    assert np.abs(draw(I.he_uniform(), shape)).max() <= math.sqrt(6 / fan_in)
    assert_moments(draw(I.lecun_normal(), shape), 0, math.sqrt(1 / fan_in))
    assert np.abs(draw(I.lecun_uniform(), shape)).max() <= math.sqrt(3 / fan_in)


def test_variance_scaling_functions_are_plain_variance_scaling():
    for fn, scale, dist in [(I.he_normal, 2.0, "truncated_normal"), (I.he_uniform, 2.0, "uniform"),
                            (I.lecun_normal, 1.0, "truncated_normal"),
                            (I.lecun_uniform, 1.0, "uniform")]:
        init = fn(seed=7)
        assert type(init) is I.VarianceScaling
        assert init.get_config() == {"scale": scale, "mode": "fan_in", "distribution": dist,
                                     "seed": 7, "dtype": "float32"}


def test_glorot_ignores_constructor_dtype_like_tf1():
    for cls in (I.GlorotUniform, I.GlorotNormal):
        assert cls(dtype="float64").dtype == np.float32
        assert cls(dtype="int32").get_config() == {"seed": None, "dtype": "float32"}


def test_uniform_unit_scaling():
    shape = (3, 3, 64, 128)
    x = draw(I.uniform_unit_scaling_initializer(factor=1.43), shape)
    limit = 1.43 * math.sqrt(3 / (3 * 3 * 64))
    assert np.abs(x).max() <= limit and np.abs(x).max() > 0.999 * limit
    part = draw(I.UniformUnitScaling(), full_shape=(4000, 500))
    assert np.abs(part).max() == pytest.approx(math.sqrt(3 / 4000), rel=1e-3)
    assert np.abs(draw(I.UniformUnitScaling(), (20,))).max() > 0.9 * math.sqrt(3)  # 1-D: no fan


@pytest.mark.parametrize("shape", [(12, 5), (5, 12), (3, 3, 4, 8), (2, 2, 3, 20)],
                         ids=["tall", "wide", "conv", "conv-wide"])
@pytest.mark.parametrize("gain", [1.0, 0.5])
def test_orthogonal(shape, gain):
    q = np.asarray(I.orthogonal_initializer(gain).sample(KEY, shape), np.float64)
    assert q.shape == shape
    flat = q.reshape(-1, shape[-1])
    gram = flat.T @ flat if flat.shape[0] >= flat.shape[1] else flat @ flat.T
    np.testing.assert_allclose(gram, gain ** 2 * np.eye(len(gram)), atol=1e-5)


def test_orthogonal_is_haar_distributed():
    # R's diagonal signs are folded into Q, so entries have no sign bias: E[Q] = 0.
    qs = jax.vmap(lambda k: I.Orthogonal().sample(k, (3, 3)))(jax.random.split(KEY, 1000))
    assert np.abs(np.asarray(qs).mean(axis=0)).max() < 0.1  # about 0.5 without the signs


def test_orthogonal_shape_errors_and_empty_shapes():
    for shape in [(), (5,)]:
        with pytest.raises(ValueError, match="at least two-dimensional"):
            I.Orthogonal().sample(KEY, shape)
    for shape in [(0, 3), (3, 0)]:
        assert I.Orthogonal().sample(KEY, shape).shape == shape


# --- keys, seeds, purity -----------------------------------------------------------------

RANDOM = [I.RandomUniform(), I.RandomNormal(), I.TruncatedNormal(), I.UniformUnitScaling(),
          I.VarianceScaling(), I.GlorotUniform(), I.Orthogonal()]


@pytest.mark.parametrize("init", RANDOM, ids=lambda i: type(i).__name__)
def test_randomness_comes_only_from_the_key(init):
    shape = (12, 5) if isinstance(init, I.Orthogonal) else BIG  # shapes compiled elsewhere
    assert init.needs_key
    a = init.sample(KEY, shape)
    init.seed = 12345  # stored for the caller's key derivation, unused by sample
    np.testing.assert_array_equal(init.sample(KEY, shape), a)
    assert not np.array_equal(init.sample(jax.random.key(1), shape), a)
    with pytest.raises(ValueError, match="needs a PRNG key"):
        init.sample(None, shape)


def test_sample_is_jittable():
    for init in [I.VarianceScaling(), I.Constant([1, 2])]:
        eager = init.sample(KEY, (4, 5))
        np.testing.assert_allclose(jax.jit(lambda k: init.sample(k, (4, 5)))(KEY), eager,
                                   rtol=1e-6)


def test_legacy_uint32_keys_work():
    assert I.RandomNormal().sample(jax.random.PRNGKey(0), (3,)).shape == (3,)


# --- configs and Keras names ---------------------------------------------------------------

CONFIGS = [
    (I.Zeros(dtype="int32"), {"dtype": "int32"}),
    (I.Ones(), {"dtype": "float32"}),
    (I.Constant([1, 2], verify_shape=True), {"value": [1, 2], "dtype": "float32"}),
    (I.RandomUniform(), {"minval": 0.0, "maxval": None, "seed": None, "dtype": "float32"}),
    (I.RandomNormal(seed=3), {"mean": 0.0, "stddev": 1.0, "seed": 3, "dtype": "float32"}),
    (I.TruncatedNormal(dtype="float16"),
     {"mean": 0.0, "stddev": 1.0, "seed": None, "dtype": "float16"}),
    (I.UniformUnitScaling(), {"factor": 1.0, "seed": None, "dtype": "float32"}),
    (I.VarianceScaling(2.0, "fan_out", "normal", 5, "bfloat16"),
     {"scale": 2.0, "mode": "fan_out", "distribution": "normal", "seed": 5,
      "dtype": "bfloat16"}),
    (I.GlorotUniform(seed=1), {"seed": 1, "dtype": "float32"}),
    (I.GlorotNormal(), {"seed": None, "dtype": "float32"}),
    (I.Orthogonal(gain=2.0), {"gain": 2.0, "seed": None, "dtype": "float32"}),
    (I.Identity(), {"gain": 1.0, "dtype": "float32"}),
]


@pytest.mark.parametrize("init, config", CONFIGS, ids=lambda x: type(x).__name__)
def test_get_config_round_trips(init, config):
    assert init.get_config() == config
    again = type(init).from_config(init.get_config())
    assert type(again) is type(init) and again.get_config() == config
    assert repr(init).startswith(type(init).__name__ + "(")


def test_base_initializer():
    init = I.Initializer()
    assert init.get_config() == {}
    with pytest.raises(NotImplementedError, match="implement `_sample`"):
        init.sample(KEY, (2,))


def test_tf1_lowercase_aliases():
    assert I.zeros_initializer is I.Zeros is I.zeros
    assert I.variance_scaling_initializer is I.VarianceScaling is I.variance_scaling
    assert I.identity_initializer is I.Identity is I.identity
    assert I.truncated_normal is I.TruncatedNormal


K = I.keras_initializers


def test_keras_namespace_names_and_defaults():
    expected = {
        "Initializer", "Zeros", "zeros", "Ones", "ones", "Constant", "constant", "RandomNormal",
        "random_normal", "normal", "RandomUniform", "random_uniform", "uniform",
        "TruncatedNormal", "truncated_normal", "VarianceScaling", "Orthogonal", "orthogonal",
        "Identity", "identity", "GlorotUniform", "glorot_uniform", "GlorotNormal",
        "glorot_normal", "lecun_normal", "lecun_uniform", "he_normal", "he_uniform", "get",
        "serialize", "deserialize"}
    assert set(vars(K)) - {"__doc__"} == expected
    assert K.RandomNormal().stddev == K.TruncatedNormal().stddev == 0.05
    assert (K.RandomUniform().minval, K.RandomUniform().maxval) == (-0.05, 0.05)
    assert isinstance(K.RandomNormal(), I.RandomNormal)
    x = draw(K.uniform())
    assert -0.05 <= x.min() and x.max() <= 0.05


def test_keras_get_serialize_deserialize():
    assert K.get(None) is None
    init = I.Orthogonal()
    assert K.get(init) is init
    assert type(K.get("glorot_uniform")) is I.GlorotUniform
    assert K.get("he_normal").get_config()["scale"] == 2.0
    assert K.serialize(K.RandomNormal(stddev=0.2)) == {
        "class_name": "RandomNormal",
        "config": {"mean": 0.0, "stddev": 0.2, "seed": None, "dtype": "float32"}}
    again = K.deserialize(K.serialize(K.TruncatedNormal(stddev=0.2)))
    assert type(again) is I.KerasTruncatedNormal and again.stddev == 0.2
    assert K.serialize(K.he_uniform())["class_name"] == "VarianceScaling"
    with pytest.raises(ValueError, match="Unknown initializer: nope"):
        K.get("nope")
    with pytest.raises(ValueError, match="Could not interpret"):
        K.get(3)
