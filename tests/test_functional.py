"""`tfvars_jax.functional`: TF1 graphs as pure JAX functions.

One small MLP is trained three ways -- a `Session.run` loop, a `make_callable` loop and
`functional.make_step` inside a user-written `jax.lax.scan` -- and must end with the same
parameters. Also: `make_init` reproducibility, `jax.grad` through a step against
`tf.gradients`, `jax.vmap` over feeds, and `functional.transform` (Haiku-style init/apply).
"""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import tfvars_jax as tf
from tfvars_jax import functional


@pytest.fixture(autouse=True)
def _x64_for_references():
    """This module's hand-written JAX references (and pure steps over int64 global steps)
    compute in 64 bits: as a user's own JAX code would, they turn JAX's x64 mode on."""
    with jax.enable_x64(True):
        yield

STEPS, BATCH, D_IN, D_HID, D_OUT = 50, 8, 4, 6, 3
_rng = np.random.default_rng(42)
XS = _rng.standard_normal((STEPS, BATCH, D_IN)).astype(np.float32)
YS = np.tanh(XS @ _rng.standard_normal((D_IN, D_OUT)).astype(np.float32))
W1 = (_rng.standard_normal((D_IN, D_HID)) * 0.5).astype(np.float32)
B1 = np.zeros(D_HID, np.float32) + 0.1
W2 = (_rng.standard_normal((D_HID, D_OUT)) * 0.5).astype(np.float32)
B2 = np.zeros(D_OUT, np.float32)
TRAINABLE = ["layer1/weights", "layer1/biases", "layer2/weights", "layer2/biases"]


def build_mlp(optimizer=None, random_init=False, train=True):
    """The MLP with fixed initial values (or random ones), its loss and an Adam train op."""
    x = tf.placeholder(tf.float32, [BATCH, D_IN], name="x")
    y = tf.placeholder(tf.float32, [BATCH, D_OUT], name="y")

    def init(value):
        return tf.glorot_uniform_initializer(seed=1) if random_init else tf.constant_initializer(value)

    with tf.variable_scope("layer1"):
        w1 = tf.get_variable("weights", [D_IN, D_HID], initializer=init(W1))
        b1 = tf.get_variable("biases", [D_HID], initializer=init(B1))
    h = tf.nn.relu(tf.matmul(x, w1) + b1)
    with tf.variable_scope("layer2"):
        w2 = tf.get_variable("weights", [D_HID, D_OUT], initializer=init(W2))
        b2 = tf.get_variable("biases", [D_OUT], initializer=init(B2))
    pred = tf.matmul(h, w2) + b2
    loss = tf.reduce_mean(tf.square(pred - y))
    gs = tf.train.get_or_create_global_step()
    if train:
        train = (optimizer or tf.train.AdamOptimizer(0.01)).minimize(loss, global_step=gs)
    return x, y, loss, train, gs


def _values(sess):
    return {n: sess.run(tf.get_default_graph().get_tensor_by_name(n + ":0")) for n in TRAINABLE}


def test_session_loop_make_callable_and_scan_agree_after_50_steps():
    x, y, loss, train, gs = build_mlp()
    # 1. Session.run loop
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        losses_session = [sess.run([train, loss], {x: XS[i], y: YS[i]})[1] for i in range(STEPS)]
        by_session = _values(sess)
        assert sess.run(gs) == STEPS
    # 2. make_callable loop
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        step_fn = sess.make_callable([train, loss], [x, y])
        losses_callable = [step_fn(XS[i], YS[i])[1] for i in range(STEPS)]
        by_callable = _values(sess)
    # 3. a pure step inside a user-written jax.lax.scan
    step = functional.make_step([train, loss], [x, y])
    state0 = functional.make_init()(0)

    @jax.jit
    def train_scan(state, xs, ys):
        def body(state, batch):
            (_, loss_value), state = step(state, *batch)
            return state, loss_value
        return jax.lax.scan(body, state, (xs, ys))

    state, losses_scan = train_scan(state0, XS, YS)
    assert int(state["global_step"]) == STEPS and state["global_step"].dtype == np.int64
    # The first loss is computed before any update: identical in all three.
    assert losses_session[0] == losses_callable[0] == np.float32(losses_scan[0])
    np.testing.assert_array_equal(losses_session, losses_callable)
    np.testing.assert_allclose(losses_scan, losses_session, rtol=2e-5)
    assert losses_session[-1] < 0.7 * losses_session[0]
    for name in TRAINABLE:
        np.testing.assert_array_equal(by_callable[name], by_session[name], err_msg=name)
        np.testing.assert_allclose(np.asarray(state[name]), by_session[name], rtol=1e-4, atol=1e-6, err_msg=name)
        assert np.asarray(state[name]).dtype == np.float32
    # Adam's slots travel through the scan as part of the state.
    assert {"layer1/weights/Adam", "layer1/weights/Adam_1", "beta1_power", "beta2_power"} <= set(state)


def test_make_init_is_reproducible_and_matches_a_fresh_session():
    build_mlp(random_init=True, train=False)
    init = functional.make_init()
    s0, s0_again, s1 = init(0), init(0), init(1)
    assert set(s0) == {v.op.name for v in tf.global_variables()}
    for name in TRAINABLE:
        np.testing.assert_array_equal(np.asarray(s0[name]), np.asarray(s0_again[name]))
    assert not np.array_equal(np.asarray(s0["layer1/weights"]), np.asarray(s1["layer1/weights"]))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for name, value in _values(sess).items():
            np.testing.assert_array_equal(np.asarray(s0[name]), value, err_msg=name)
    assert int(s0["global_step"]) == 0


def test_jax_grad_of_a_step_equals_tf_gradients():
    x, y, loss, _, _ = build_mlp()
    grads = tf.gradients(loss, tf.trainable_variables())
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        want = sess.run(grads, {x: XS[0], y: YS[0]})
        state = sess.state
    loss_step = functional.make_step(loss, [x, y])
    trainable, rest = functional.split(state)
    assert sorted(trainable) == sorted(TRAINABLE) and not set(trainable) & set(rest)
    assert functional.trainable_names() == TRAINABLE

    def loss_fn(params, xb, yb):
        value, _ = loss_step(functional.merge(params, rest), xb, yb)
        return value

    got = jax.jit(jax.grad(loss_fn))(trainable, XS[0], YS[0])
    for name, w in zip(TRAINABLE, want):
        np.testing.assert_allclose(np.asarray(got[name]), w, rtol=1e-6, atol=1e-7, err_msg=name)


def test_vmap_over_a_batch_of_feeds():
    x, y, loss, _, _ = build_mlp()
    loss_step = functional.make_step(loss, [x, y])
    state = functional.make_init()(0)
    batched = jax.jit(jax.vmap(lambda xb, yb: loss_step(state, xb, yb)[0]))(XS[:5], YS[:5])
    assert batched.shape == (5,)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        want = [sess.run(loss, {x: XS[i], y: YS[i]}) for i in range(5)]
    np.testing.assert_allclose(np.asarray(batched), want, rtol=1e-6)


def test_pure_step_returns_a_new_state_and_leaves_the_old_one():
    x, y, loss, train, gs = build_mlp()
    step = jax.jit(functional.make_step({"loss": loss, "train": train, "step": gs}, [x, y]))
    state0 = functional.make_init()(0)
    out, state1 = step(state0, XS[0], YS[0])
    # The global step's read was created before the train op: it sees the value before the step.
    assert set(out) == {"loss", "train", "step"} and out["train"] is None and int(out["step"]) == 0
    assert int(state0["global_step"]) == 0 and int(state1["global_step"]) == 1
    assert not np.array_equal(np.asarray(state0["layer1/weights"]), np.asarray(state1["layer1/weights"]))
    with pytest.raises(ValueError):
        step(state0, XS[0])


def test_optax_training_loop_over_the_trainable_split():
    """The notebook's pattern: train the trainable part with optax in a jitted step."""
    optax = pytest.importorskip("optax")
    x, y, loss, _, _ = build_mlp()
    loss_step = functional.make_step(loss, [x, y])
    params, rest = functional.split(functional.make_init()(0))
    tx = optax.adam(0.01)
    opt_state = tx.init(params)

    @jax.jit
    def update(params, opt_state, xb, yb):
        value, g = jax.value_and_grad(lambda p: loss_step(functional.merge(p, rest), xb, yb)[0])(params)
        updates, opt_state = tx.update(g, opt_state, params)
        return optax.apply_updates(params, updates), opt_state, value

    losses = []
    for i in range(20):
        params, opt_state, value = update(params, opt_state, XS[i], YS[i])
        losses.append(float(value))
    assert losses[-1] < losses[0]
    # The trained values go back into a Session.
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.state = functional.merge(params, rest)
        np.testing.assert_allclose(sess.run(loss, {x: XS[0], y: YS[0]}),
                                   loss_step(functional.merge(params, rest), XS[0], YS[0])[0], rtol=1e-6)


# ===== functional.transform ==================================================================
def _model_fn(inputs):
    with tf.variable_scope("dense1"):
        w = tf.get_variable("w", [D_IN, D_HID], initializer=tf.glorot_uniform_initializer())
        b = tf.get_variable("b", [D_HID], initializer=tf.zeros_initializer())
        h = tf.nn.relu(tf.matmul(inputs, w) + b)
    with tf.variable_scope("out"):
        w = tf.get_variable("w", [D_HID, D_OUT], initializer=tf.truncated_normal_initializer(stddev=0.1))
        b = tf.get_variable("b", [D_OUT], initializer=tf.constant_initializer(0.5))
        return tf.matmul(h, w) + b


def test_transform_init_apply_and_tf1_names():
    net = functional.transform(_model_fn)
    state = net.init(0, XS[0])
    assert sorted(state) == ["dense1/b", "dense1/w", "out/b", "out/w"]
    # The names are the ones TF1 gives the same code.
    g = tf.Graph()
    with g.as_default():
        _model_fn(tf.placeholder(tf.float32, [BATCH, D_IN]))
        assert sorted(v.op.name for v in tf.global_variables()) == sorted(state)
    np.testing.assert_array_equal(np.asarray(state["out/b"]), np.full(D_OUT, 0.5, np.float32))
    assert np.asarray(state["dense1/w"]).shape == (D_IN, D_HID) and np.asarray(state["dense1/w"]).std() > 0
    out, new_state = net.apply(state, XS[0])
    s = {k: np.asarray(v) for k, v in state.items()}
    want = np.maximum(XS[0] @ s["dense1/w"] + s["dense1/b"], 0) @ s["out/w"] + s["out/b"]
    np.testing.assert_allclose(np.asarray(out), want, rtol=1e-5, atol=1e-6)
    assert set(new_state) == set(state)
    # Under jit, and with another batch of the same signature.
    out_jit, _ = jax.jit(net.apply)(state, XS[1])
    np.testing.assert_allclose(np.asarray(out_jit), np.asarray(net.apply(state, XS[1])[0]), rtol=1e-6)


def test_transform_init_is_reproducible_and_accepts_a_prng_key():
    net = functional.transform(_model_fn)
    a, b, c = net.init(3, XS[0]), net.init(3, XS[0]), net.init(4, XS[0])
    np.testing.assert_array_equal(np.asarray(a["dense1/w"]), np.asarray(b["dense1/w"]))
    assert not np.array_equal(np.asarray(a["dense1/w"]), np.asarray(c["dense1/w"]))
    k1 = net.init(jax.random.PRNGKey(0), XS[0])
    k2 = net.init(jax.random.PRNGKey(0), XS[0])
    np.testing.assert_array_equal(np.asarray(k1["out/w"]), np.asarray(k2["out/w"]))


def test_transform_grad_through_apply():
    net = functional.transform(_model_fn)
    state = net.init(0, XS[0])
    params = dict(state.items())

    def loss(p):
        out, _ = net.apply(state.replace(p), XS[0])
        return jnp.mean((out - YS[0]) ** 2)

    g = jax.jit(jax.grad(loss))(params)
    assert set(g) == set(state) and all(np.all(np.isfinite(np.asarray(v))) for v in g.values())
    assert np.abs(np.asarray(g["out/b"])).sum() > 0


def test_a_pure_step_over_an_int64_variable_raises_without_x64_instead_of_counting_in_32_bits():
    gs = tf.train.get_or_create_global_step()
    inc = tf.assign_add(gs, 1)
    step = functional.make_step(inc)
    state = functional.make_init()(0)
    assert state["global_step"].dtype == np.int64
    with jax.enable_x64(False):
        with pytest.raises(TypeError, match="variable 'global_step' is a 64-bit value.*enable_x64"):
            step(state)
    with functional.tf_precision():
        value, state = jax.jit(step)(state)
    assert value == 1 and state["global_step"].dtype == np.int64


def test_importing_tfvars_jax_leaves_jax_x64_mode_alone():
    import subprocess
    import sys
    code = "import jax.numpy as jnp, tfvars_jax as tf; tf.Variable(1.0); print(jnp.array(1.0).dtype)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "float32"
