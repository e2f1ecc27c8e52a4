"""TF1 optimizers on the graph: `minimize` / `compute_gradients` / `apply_gradients`, slot and
non-slot variables (names, collections, initialization), the global step, constraints, the
optax bridge, several steps of every TF1 optimizer against its documented update rule written
out in NumPy, learning-rate schedules, `ExponentialMovingAverage` and `UPDATE_OPS`.

Names, collections and messages are TF1's (checked against `tensorflow.compat.v1`).
"""
import math

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import tfvars_jax as tf


@pytest.fixture(autouse=True)
def _x64_for_references():
    """This module's hand-written JAX references (and pure steps over int64 global steps)
    compute in 64 bits: as a user's own JAX code would, they turn JAX's x64 mode on."""
    with jax.enable_x64(True):
        yield

# A least-squares problem: loss = 0.5 * |X w + b - Y|^2, gradients in closed form.
X = np.array([[1.0, 2.0], [-0.5, 0.3], [0.7, -1.2]])
Y = np.array([[0.5, -1.0, 2.0], [1.5, 0.2, -0.3], [-0.7, 0.9, 0.1]])
W0 = np.array([[0.3, -0.2, 0.1], [0.05, 0.4, -0.6]])
B0 = np.array([0.1, -0.1, 0.2])


def _grads(w, b):
    r = X @ w + b - Y
    return X.T @ r, r.sum(0)


def _model(dtype=tf.float64):
    """w, b (float64 by default) and the loss, in the default graph."""
    w = tf.get_variable("w", initializer=W0.astype(dtype.as_numpy_dtype))
    b = tf.get_variable("b", initializer=B0.astype(dtype.as_numpy_dtype))
    r = tf.matmul(tf.constant(X.astype(dtype.as_numpy_dtype)), w) + b - Y.astype(dtype.as_numpy_dtype)
    loss = 0.5 * tf.reduce_sum(r * r)
    return w, b, loss


def _f32(x):
    """A Python hyperparameter as TF1 uses it: a float32 tensor, cast to the variable's dtype."""
    return float(np.float32(x))


# ===== minimize / compute_gradients / apply_gradients ========================================
def test_compute_gradients_returns_pairs_for_trainable_variables():
    w, b, loss = _model()
    frozen = tf.get_variable("frozen", initializer=1.0, trainable=False)
    unused = tf.get_variable("unused", initializer=np.float64(2.0))
    opt = tf.train.GradientDescentOptimizer(0.1)
    gvs = opt.compute_gradients(loss + tf.cast(frozen, tf.float64))
    assert [v for _, v in gvs] == [w, b, unused]  # TRAINABLE_VARIABLES, in order
    assert gvs[2][0] is None
    gw, gb = _grads(W0, B0)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got = sess.run([g for g, _ in gvs[:2]])
    np.testing.assert_allclose(got[0], gw, rtol=1e-13)
    np.testing.assert_allclose(got[1], gb, rtol=1e-13)


def test_minimize_is_one_gradient_descent_step():
    w, b, loss = _model()
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    assert isinstance(train, tf.Operation) and train.name == "GradientDescent"
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(train) is None
        gw, gb = _grads(W0, B0)
        np.testing.assert_allclose(sess.run(w), W0 - _f32(0.1) * gw, rtol=1e-13)
        np.testing.assert_allclose(sess.run(b), B0 - _f32(0.1) * gb, rtol=1e-13)


def test_clipping_and_rescaling_between_compute_and_apply():
    w, b, loss = _model()
    opt = tf.train.GradientDescentOptimizer(0.5)
    gvs = opt.compute_gradients(loss)
    grads, norm = tf.clip_by_global_norm([g for g, _ in gvs], 1.0)
    clipped = [(tf.clip_by_value(g * 2.0, -0.3, 0.3), v) for g, (_, v) in zip(grads, gvs)]
    train = opt.apply_gradients(clipped)
    gw, gb = _grads(W0, B0)
    n = np.sqrt(np.sum(gw ** 2) + np.sum(gb ** 2))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        np.testing.assert_allclose(sess.run(w), W0 - 0.5 * np.clip(gw / n * 2.0, -0.3, 0.3), rtol=1e-6)
        np.testing.assert_allclose(sess.run(b), B0 - 0.5 * np.clip(gb / n * 2.0, -0.3, 0.3), rtol=1e-6)


def test_default_var_list_is_trainable_variables_and_var_list_restricts():
    w, b, loss = _model()
    frozen = tf.get_variable("frozen", initializer=np.float64(3.0), trainable=False)
    total = loss + frozen * frozen
    train_all = tf.train.GradientDescentOptimizer(0.1).minimize(total)
    train_b = tf.train.GradientDescentOptimizer(0.1).minimize(total, var_list=[b])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train_b)
        np.testing.assert_array_equal(sess.run(w), W0)
        assert not np.array_equal(sess.run(b), B0)
        sess.run(train_all)
        assert not np.array_equal(sess.run(w), W0)
        assert sess.run(frozen) == 3.0  # non-trainable: never updated


def test_no_gradients_raises_value_error():
    w, b, _ = _model()
    other = tf.get_variable("other", initializer=1.0)
    opt = tf.train.AdamOptimizer()
    with pytest.raises(ValueError, match="No gradients provided for any variable"):
        opt.minimize(other * 2.0, var_list=[w, b])
    with pytest.raises(ValueError, match="No gradients provided for any variable"):
        opt.apply_gradients([(None, w), (None, b)])
    with pytest.raises(ValueError, match="No variables"):
        opt.apply_gradients([])


def test_unconnected_variables_are_left_alone():
    w, b, loss = _model()
    unused = tf.get_variable("unused", initializer=np.float64(7.0))
    opt = tf.train.MomentumOptimizer(0.1, 0.9)
    train = opt.minimize(loss)
    assert opt.get_slot(unused, "momentum") is None
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        assert sess.run(unused) == 7.0


# ===== slot and non-slot variables ===========================================================
SLOT_NAMES = {
    # optimizer: (constructor, slot names for "layer/w" in creation order, non-slots, get_slot names)
    "Adam": (lambda: tf.train.AdamOptimizer(0.1), ["Adam", "Adam_1"], ["beta1_power", "beta2_power"], ["m", "v"]),
    "Momentum": (lambda: tf.train.MomentumOptimizer(0.1, 0.9), ["Momentum"], [], ["momentum"]),
    "RMSProp": (lambda: tf.train.RMSPropOptimizer(0.1), ["RMSProp", "RMSProp_1"], [], ["momentum", "rms"]),
    "RMSPropCentered": (lambda: tf.train.RMSPropOptimizer(0.1, momentum=0.5, centered=True),
                        ["RMSProp", "RMSProp_1", "RMSProp_2"], [], ["mg", "momentum", "rms"]),
    "Adagrad": (lambda: tf.train.AdagradOptimizer(0.1), ["Adagrad"], [], ["accumulator"]),
    "Adadelta": (lambda: tf.train.AdadeltaOptimizer(0.1), ["Adadelta", "Adadelta_1"], [], ["accum", "accum_update"]),
    "Ftrl": (lambda: tf.train.FtrlOptimizer(0.1), ["Ftrl", "Ftrl_1"], [], ["accum", "linear"]),
    "ProximalAdagrad": (lambda: tf.train.ProximalAdagradOptimizer(0.1), ["ProximalAdagrad"], [], ["accumulator"]),
    "ProximalGradientDescent": (lambda: tf.train.ProximalGradientDescentOptimizer(0.1), [], [], []),
    "GradientDescent": (lambda: tf.train.GradientDescentOptimizer(0.1), [], [], []),
    "AdamNamed": (lambda: tf.train.AdamOptimizer(0.1, name="MyAdam"), ["MyAdam", "MyAdam_1"],
                  ["beta1_power", "beta2_power"], ["m", "v"]),
    "MomentumNamed": (lambda: tf.train.MomentumOptimizer(0.1, 0.9, name="Mo"), ["Mo"], [], ["momentum"]),
    "RMSPropNamed": (lambda: tf.train.RMSPropOptimizer(0.1, name="rms"), ["rms", "rms_1"], [], ["momentum", "rms"]),
}


def _scoped_model():
    with tf.variable_scope("layer"):
        w = tf.get_variable("w", [2, 3], initializer=tf.ones_initializer())
    b = tf.Variable([1.0, 2.0], name="b")
    return w, b, tf.reduce_sum(w * w) + tf.reduce_sum(b * b)


@pytest.mark.parametrize("key", list(SLOT_NAMES))
def test_slot_variable_names_and_collections_as_tf1(key):
    make, suffixes, non_slots, slot_names = SLOT_NAMES[key]
    w, b, loss = _scoped_model()
    gs = tf.train.get_or_create_global_step()
    opt = make()
    train = opt.minimize(loss, global_step=gs)
    assert train.name == opt.get_name() and train.type == "AssignAdd"
    slot_vars = [f"layer/w/{s}" for s in suffixes] + [f"b/{s}" for s in suffixes]
    # TF1's order: model variables, global step, non-slots, then each variable's slots.
    assert [v.op.name for v in tf.global_variables()] == ["layer/w", "b", "global_step"] + non_slots + slot_vars
    assert [v.op.name for v in tf.trainable_variables()] == ["layer/w", "b"]
    assert opt.get_slot_names() == slot_names
    for name in slot_names:
        sw, sb = opt.get_slot(w, name), opt.get_slot(b, name)
        assert sw.shape.as_list() == [2, 3] and sb.shape.as_list() == [2]
        assert sw.dtype.base_dtype == tf.float32 and not sw.trainable
        assert sw.op.name.startswith("layer/w/") and sb.name.startswith("b/") and sb.name.endswith(":0")
    assert sorted(v.op.name for v in opt.variables()) == sorted(non_slots + slot_vars)
    assert opt.get_slot(w, "no_such_slot") is None


def test_slot_names_map_to_the_right_slots():
    w, b, loss = _scoped_model()
    adam = tf.train.AdamOptimizer(0.1)
    adam.minimize(loss)
    assert adam.get_slot(w, "m").op.name == "layer/w/Adam"
    assert adam.get_slot(w, "v").op.name == "layer/w/Adam_1"
    rms = tf.train.RMSPropOptimizer(0.1, momentum=0.5, centered=True)
    rms.minimize(loss)
    assert [rms.get_slot(b, n).op.name for n in ("rms", "mg", "momentum")] == [
        "b/RMSProp", "b/RMSProp_1", "b/RMSProp_2"]


def test_a_second_optimizer_uniquifies_slot_names_as_tf1():
    w, b, loss = _scoped_model()
    tf.train.AdamOptimizer(0.1).minimize(loss)
    adam2 = tf.train.AdamOptimizer(0.1)
    adam2.minimize(loss)
    assert [v.op.name for v in tf.global_variables()][-6:] == [
        "beta1_power_1", "beta2_power_1", "layer/w/Adam_2", "layer/w/Adam_3", "b/Adam_2", "b/Adam_3"]


def test_optimizer_variables_sorted_by_name_as_tf1():
    w, b, loss = _scoped_model()
    opt = tf.train.AdamOptimizer(0.1)
    opt.minimize(loss)
    assert [v.op.name for v in opt.variables()] == [
        "b/Adam", "b/Adam_1", "beta1_power", "beta2_power", "layer/w/Adam", "layer/w/Adam_1"]


def test_slots_are_initialized_by_the_global_initializer():
    w, b, loss = _scoped_model()
    opt = tf.train.RMSPropOptimizer(0.1)
    train = opt.minimize(loss)
    adam = tf.train.AdamOptimizer(0.1, beta1=0.8, beta2=0.7)
    adam.minimize(loss)
    with tf.Session() as sess:
        assert sorted(sess.run(tf.report_uninitialized_variables()).tolist()) == sorted(
            v.op.name.encode() for v in tf.global_variables())
        sess.run(tf.global_variables_initializer())
        assert sess.run(tf.report_uninitialized_variables()).size == 0
        np.testing.assert_array_equal(sess.run(opt.get_slot(w, "rms")), np.ones((2, 3), np.float32))
        np.testing.assert_array_equal(sess.run(opt.get_slot(w, "momentum")), np.zeros((2, 3), np.float32))
        beta1_power, beta2_power = (v for v in adam.variables() if v.op.name.startswith("beta"))
        assert sess.run([beta1_power, beta2_power]) == [np.float32(0.8), np.float32(0.7)]
        sess.run(train)


def test_slots_follow_the_variable_device():
    with tf.device("/cpu:0"):
        w = tf.get_variable("w", [2], initializer=tf.ones_initializer())
    opt = tf.train.MomentumOptimizer(0.1, 0.9)
    opt.minimize(tf.reduce_sum(w * w))
    assert opt.get_slot(w, "momentum").device == w.device


# ===== global step ===========================================================================
def test_global_step_incremented_once_per_apply():
    w, b, loss = _model()
    gs = tf.train.get_or_create_global_step()
    assert gs.dtype.base_dtype == tf.int64
    train = tf.train.AdamOptimizer(0.01).minimize(loss, global_step=gs)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(1, 4):
            sess.run(train)
            assert sess.run(gs) == step
            assert sess.run(gs).dtype == np.int64


def test_global_step_as_a_plain_int64_variable_and_int32():
    w, b, loss = _model()
    gs = tf.Variable(0, dtype=tf.int64, trainable=False, name="step")
    gs32 = tf.Variable(10, trainable=False, name="step32")
    opt = tf.train.GradientDescentOptimizer(0.1)
    gvs = opt.compute_gradients(loss)
    train = opt.apply_gradients(gvs, global_step=gs)
    train32 = opt.apply_gradients(gvs, global_step=gs32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        sess.run(train)
        sess.run(train32)
        assert sess.run([gs, gs32]) == [2, 11]


def test_a_read_after_the_train_op_sees_the_updated_variables():
    """`with control_dependencies([train]): w.read_value()` reads w after the update and the
    global-step increment."""
    w, b, loss = _model()
    gs = tf.train.get_or_create_global_step()
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=gs)
    with tf.control_dependencies([train]):
        w_after = w.read_value()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got = sess.run(w_after)
        np.testing.assert_allclose(got, W0 - _f32(0.1) * _grads(W0, B0)[0], rtol=1e-13)


# ===== constraints ===========================================================================
def test_variable_constraint_is_applied_after_the_update():
    w = tf.get_variable("w", initializer=np.float64([0.5, -0.5, 0.9]),
                        constraint=lambda t: tf.clip_by_value(t, -0.6, 0.6))
    loss = tf.reduce_sum(w * tf.constant([-1.0, 1.0, 0.0], tf.float64))
    gs = tf.train.get_or_create_global_step()
    train = tf.train.GradientDescentOptimizer(0.3).minimize(loss, global_step=gs)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        np.testing.assert_allclose(sess.run(w), [0.6, -0.6, 0.6], rtol=1e-15)  # 0.9 clipped too
        assert sess.run(gs) == 1


def test_norm_constraint_with_adam():
    w = tf.get_variable("w", initializer=np.float32([3.0, 4.0]), constraint=lambda t: tf.clip_by_norm(t, 1.0))
    train = tf.train.AdamOptimizer(0.1).minimize(tf.reduce_sum(-w))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(3):
            sess.run(train)
            np.testing.assert_allclose(np.linalg.norm(sess.run(w)), 1.0, rtol=1e-6)


# ===== several steps of every TF1 optimizer vs its documented formula ========================
def _np_optimizer(kind, hyper):
    """(init(w) -> slots, update(w, g, slots, t) -> (w, slots)): TF1's documented update rules."""
    h = {k: (_f32(v) if isinstance(v, float) else v) for k, v in hyper.items()}
    lr = h["learning_rate"]
    if kind == "GradientDescent":
        return (lambda w: {}), (lambda w, g, s, t: (w - lr * g, s))
    if kind == "Momentum":
        mu, nesterov = h["momentum"], h.get("use_nesterov", False)

        def update(w, g, s, t):
            a = s["momentum"] * mu + g
            return (w - (g * lr + a * mu * lr) if nesterov else w - lr * a), {"momentum": a}
        return (lambda w: {"momentum": np.zeros_like(w)}), update
    if kind == "Adam":
        b1, b2, eps = h.get("beta1", _f32(0.9)), h.get("beta2", _f32(0.999)), h.get("epsilon", _f32(1e-8))

        def update(w, g, s, t):
            # beta1_power/beta2_power are float32 non-slot variables: start at beta1/beta2 and are
            # multiplied by them (in float32) after each step.
            b1p, b2p = float(s["beta1_power"]), float(s["beta2_power"])
            lr_t = lr * math.sqrt(1 - b2p) / (1 - b1p)
            m = b1 * s["m"] + (1 - b1) * g
            v = b2 * s["v"] + (1 - b2) * g * g
            return w - lr_t * m / (np.sqrt(v) + eps), {
                "m": m, "v": v, "beta1_power": s["beta1_power"] * np.float32(b1),
                "beta2_power": s["beta2_power"] * np.float32(b2)}
        return (lambda w: {"m": np.zeros_like(w), "v": np.zeros_like(w), "beta1_power": np.float32(b1),
                           "beta2_power": np.float32(b2)}), update
    if kind == "Adagrad":
        init_acc = hyper.get("initial_accumulator_value", 0.1)  # a slot initializer: not via float32

        def update(w, g, s, t):
            acc = s["accumulator"] + g * g
            return w - lr * g / np.sqrt(acc), {"accumulator": acc}
        return (lambda w: {"accumulator": np.full_like(w, init_acc)}), update
    if kind == "RMSProp":
        decay, mu, eps = h.get("decay", _f32(0.9)), h.get("momentum", 0.0), h.get("epsilon", _f32(1e-10))
        centered = h.get("centered", False)

        def update(w, g, s, t):
            ms = decay * s["rms"] + (1 - decay) * g * g
            out = {"rms": ms}
            denom = ms + eps
            if centered:
                mg = decay * s["mg"] + (1 - decay) * g
                out["mg"] = mg
                denom = ms - mg * mg + eps
            mom = mu * s["momentum"] + lr * g / np.sqrt(denom)
            out["momentum"] = mom
            return w - mom, out

        def init(w):
            s = {"rms": np.ones_like(w), "momentum": np.zeros_like(w)}
            if centered:
                s["mg"] = np.zeros_like(w)
            return s
        return init, update
    if kind == "Adadelta":
        rho, eps = h.get("rho", _f32(0.95)), h.get("epsilon", _f32(1e-8))

        def update(w, g, s, t):
            acc = rho * s["accum"] + (1 - rho) * g * g
            upd = np.sqrt(s["accum_update"] + eps) / np.sqrt(acc + eps) * g
            acc_upd = rho * s["accum_update"] + (1 - rho) * upd * upd
            return w - lr * upd, {"accum": acc, "accum_update": acc_upd}
        return (lambda w: {"accum": np.zeros_like(w), "accum_update": np.zeros_like(w)}), update
    if kind == "Ftrl":
        init_acc = hyper.get("initial_accumulator_value", 0.1)  # a slot initializer: not via float32
        l1, l2 = h.get("l1_regularization_strength", 0.0), h.get("l2_regularization_strength", 0.0)

        def update(w, g, s, t):
            acc_new = s["accum"] + g * g
            sigma = (np.sqrt(acc_new) - np.sqrt(s["accum"])) / lr
            linear = s["linear"] + g - sigma * w
            quadratic = np.sqrt(acc_new) / lr + 2 * l2
            w_new = np.where(np.abs(linear) > l1, (np.sign(linear) * l1 - linear) / quadratic, 0.0)
            return w_new, {"accum": acc_new, "linear": linear}
        return (lambda w: {"accum": np.full_like(w, init_acc), "linear": np.zeros_like(w)}), update
    if kind == "ProximalGradientDescent":
        l1, l2 = h.get("l1_regularization_strength", 0.0), h.get("l2_regularization_strength", 0.0)

        def update(w, g, s, t):
            prox = w - lr * g
            return np.sign(prox) * np.maximum(np.abs(prox) - lr * l1, 0) / (1 + lr * l2), s
        return (lambda w: {}), update
    if kind == "ProximalAdagrad":
        init_acc = hyper.get("initial_accumulator_value", 0.1)  # a slot initializer: not via float32
        l1, l2 = h.get("l1_regularization_strength", 0.0), h.get("l2_regularization_strength", 0.0)

        def update(w, g, s, t):
            acc = s["accumulator"] + g * g
            rate = lr / np.sqrt(acc)
            prox = w - rate * g
            return np.sign(prox) * np.maximum(np.abs(prox) - rate * l1, 0) / (1 + rate * l2), {"accumulator": acc}
        return (lambda w: {"accumulator": np.full_like(w, init_acc)}), update
    raise KeyError(kind)


_SLOW = pytest.mark.slow
# (optimizer, hyperparameters, marks): one case per optimizer runs by default, the variants are slow.
FORMULA_CASES = [
    ("GradientDescent", dict(learning_rate=0.1), ()),
    ("Momentum", dict(learning_rate=0.05, momentum=0.9), ()),
    ("Momentum", dict(learning_rate=0.05, momentum=0.7, use_nesterov=True), _SLOW),
    ("Adam", dict(learning_rate=0.1), ()),
    ("Adam", dict(learning_rate=0.02, beta1=0.8, beta2=0.9, epsilon=1e-3), _SLOW),
    ("Adagrad", dict(learning_rate=0.1, initial_accumulator_value=0.3), ()),
    ("RMSProp", dict(learning_rate=0.01), _SLOW),
    ("RMSProp", dict(learning_rate=0.01, decay=0.8, momentum=0.5, epsilon=1e-6), _SLOW),
    ("RMSProp", dict(learning_rate=0.01, momentum=0.5, centered=True), ()),
    ("Adadelta", dict(learning_rate=1.0, rho=0.9), ()),
    ("Ftrl", dict(learning_rate=0.1), _SLOW),
    ("Ftrl", dict(learning_rate=0.1, l1_regularization_strength=0.05, l2_regularization_strength=0.1), ()),
    ("ProximalGradientDescent", dict(learning_rate=0.1, l1_regularization_strength=0.2,
                                     l2_regularization_strength=0.1), _SLOW),
    ("ProximalAdagrad", dict(learning_rate=0.1, l1_regularization_strength=0.05, l2_regularization_strength=0.1), ()),
]
STEPS = 5


@pytest.mark.parametrize("kind, hyper", [
    pytest.param(k, h, marks=m, id=f"{k}-{'-'.join(h)}") for k, h, m in FORMULA_CASES])
def test_optimizer_steps_match_the_documented_formula(kind, hyper):
    w, b, loss = _model()
    opt = getattr(tf.train, kind + "Optimizer")(**hyper)
    gs = tf.train.get_or_create_global_step()
    train = opt.minimize(loss, global_step=gs)
    init, update = _np_optimizer(kind, hyper)
    params = {"w": W0.copy(), "b": B0.copy()}
    slots = {n: init(p) for n, p in params.items()}
    fetch = {"w": w, "b": b, "slots": {n: {s: opt.get_slot(v, s) for s in opt.get_slot_names()}
                                       for n, v in (("w", w), ("b", b))}}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for t in range(1, STEPS + 1):
            sess.run(train)
            gw, gb = _grads(params["w"], params["b"])
            for n, g in (("w", gw), ("b", gb)):
                params[n], slots[n] = update(params[n], g, slots[n], t)
            got = sess.run(fetch)
            for n in ("w", "b"):
                np.testing.assert_allclose(got[n], params[n], rtol=1e-9, atol=1e-12, err_msg=f"{n} step {t}")
                for s in opt.get_slot_names():
                    np.testing.assert_allclose(got["slots"][n][s], slots[n][s], rtol=1e-9, atol=1e-12,
                                               err_msg=f"{n}/{s} step {t}")
        assert sess.run(gs) == STEPS


def test_adam_beta_powers_are_float32_non_slots_updated_each_step():
    w, b, loss = _model()
    opt = tf.train.AdamOptimizer(0.1, beta1=0.5, beta2=0.25)
    train = opt.minimize(loss)
    b1p, b2p = [v for v in tf.global_variables() if v.op.name in ("beta1_power", "beta2_power")]
    assert b1p.dtype.base_dtype == tf.float32 and b1p in tf.global_variables() and b1p not in tf.trainable_variables()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for t in range(1, 4):
            sess.run(train)
            assert sess.run([b1p, b2p]) == [np.float32(0.5 ** (t + 1)), np.float32(0.25 ** (t + 1))]


def test_float32_training_matches_the_formula():
    w, b, loss = _model(tf.float32)
    train = tf.train.MomentumOptimizer(0.05, 0.9).minimize(loss)
    init, update = _np_optimizer("Momentum", dict(learning_rate=0.05, momentum=0.9))
    pw, pb = W0.astype(np.float32), B0.astype(np.float32)
    sw, sb = init(pw), init(pb)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for t in range(1, 4):
            sess.run(train)
            gw, gb = _grads(pw.astype(np.float64), pb.astype(np.float64))
            pw, sw = update(pw, gw, sw, t)
            pb, sb = update(pb, gb, sb, t)
        got_w = sess.run(w)
    assert got_w.dtype == np.float32
    np.testing.assert_allclose(got_w, pw, rtol=1e-5)


# ===== the optax bridge ======================================================================
def _optax_reference(tx, steps):
    """`steps` steps of plain optax on the least-squares problem, in one jit."""
    def train(params):
        def body(carry, _):
            params, state = carry
            r = jnp.asarray(X) @ params["w"] + params["b"] - jnp.asarray(Y)
            grads = {"b": r.sum(0), "w": jnp.asarray(X).T @ r}
            updates, state = tx.update(grads, state, params)
            return (optax.apply_updates(params, updates), state), None
        return jax.lax.scan(body, (params, tx.init(params)), None, length=steps)[0][0]
    return jax.jit(train)({"b": jnp.asarray(B0), "w": jnp.asarray(W0)})


def test_optax_sgd_equals_gradient_descent():
    w, b, loss = _model()
    train = tf.train.OptaxOptimizer(optax.sgd(0.1)).minimize(loss)
    want = _optax_reference(optax.sgd(0.1), 3)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(3):
            sess.run(train)
        np.testing.assert_allclose(sess.run(w), want["w"], rtol=1e-13)
        np.testing.assert_allclose(sess.run(b), want["b"], rtol=1e-13)


def test_optax_chain_clip_then_adam():
    w, b, loss = _model()
    tx = optax.chain(optax.clip_by_global_norm(1.0), optax.adam(1e-2))
    opt = tf.train.OptaxOptimizer(tx)
    gs = tf.train.get_or_create_global_step()
    train = opt.minimize(loss, global_step=gs)
    names = [v.op.name for v in tf.global_variables()]
    assert names == ["w", "b", "global_step", "Optax/count", "w/Optax", "w/Optax_1", "b/Optax", "b/Optax_1"]
    assert all(not v.trainable for v in opt.variables())
    assert opt.get_slot_names() == ["mu", "nu"] and opt.get_slot(w, "mu").op.name == "w/Optax"
    want = _optax_reference(tx, 4)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(4):
            sess.run(train)
        np.testing.assert_allclose(sess.run(w), want["w"], rtol=1e-12)
        np.testing.assert_allclose(sess.run(b), want["b"], rtol=1e-12)
        assert sess.run(gs) == 4
        assert sess.run(tf.get_default_graph().get_tensor_by_name("Optax/count:0")) == 4


def test_optax_optimizer_name_changes_slot_names():
    w, b, loss = _model()
    opt = tf.train.OptaxOptimizer(optax.sgd(0.1, momentum=0.9), name="SGDm")
    opt.minimize(loss)
    assert [v.op.name for v in opt.variables()] == ["b/SGDm", "w/SGDm"]  # sorted by name, as TF1
    with pytest.raises(TypeError):
        tf.train.OptaxOptimizer(lambda g: g)


# ===== learning-rate schedules ===============================================================
def test_learning_rate_tensor_schedule_on_global_step():
    w, b, loss = _model()
    gs = tf.train.get_or_create_global_step()
    lr = tf.train.exponential_decay(0.1, gs, decay_steps=2, decay_rate=0.5, staircase=True)
    train = tf.train.GradientDescentOptimizer(lr).minimize(loss, global_step=gs)
    pw, pb = W0.copy(), B0.copy()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(5):
            assert sess.run(lr) == np.float32(0.1 * 0.5 ** (step // 2))
            sess.run(train)
            gw, gb = _grads(pw, pb)
            rate = float(np.float32(0.1) * np.float32(0.5 ** (step // 2)))
            pw, pb = pw - rate * gw, pb - rate * gb
        np.testing.assert_allclose(sess.run(w), pw, rtol=1e-12)
        np.testing.assert_allclose(sess.run(b), pb, rtol=1e-12)


def test_learning_rate_placeholder_and_callable():
    w, b, loss = _model()
    lr = tf.placeholder(tf.float32, [])
    train = tf.train.MomentumOptimizer(lr, 0.5).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train, {lr: 0.0})
        np.testing.assert_array_equal(sess.run(w), W0)
        sess.run(train, {lr: 0.1})
        assert not np.array_equal(sess.run(w), W0)
    # A callable learning rate is called when the update is built (TF1's `_call_if_callable`).
    w2 = tf.get_variable("w2", initializer=np.float64(1.0))
    train2 = tf.train.GradientDescentOptimizer(lambda: 0.25).minimize(w2 * w2)
    with tf.Session() as sess:
        sess.run(w2.initializer)
        sess.run(train2)
        assert sess.run(w2) == 0.5


SCHEDULES = {
    "exponential": (lambda s: tf.train.exponential_decay(0.1, s, 10, 0.5),
                    lambda t: 0.1 * 0.5 ** (t / 10)),
    "exponential_staircase": (lambda s: tf.train.exponential_decay(0.1, s, 10, 0.5, staircase=True),
                              lambda t: 0.1 * 0.5 ** (t // 10)),
    "piecewise_constant": (lambda s: tf.train.piecewise_constant(s, [5, 10], [1.0, 0.5, 0.1]),
                           lambda t: 1.0 if t <= 5 else 0.5 if t <= 10 else 0.1),
    "polynomial": (lambda s: tf.train.polynomial_decay(0.1, s, 10, 0.01, power=2.0),
                   lambda t: (0.1 - 0.01) * (1 - min(t, 10) / 10) ** 2 + 0.01),
    "polynomial_cycle": (lambda s: tf.train.polynomial_decay(0.1, s, 10, 0.01, power=1.0, cycle=True),
                         lambda t: (0.1 - 0.01) * (1 - t / (10 * max(1, math.ceil(t / 10)))) + 0.01),
    "cosine": (lambda s: tf.train.cosine_decay(0.1, s, 10, alpha=0.2),
               lambda t: 0.1 * ((1 - 0.2) * 0.5 * (1 + math.cos(math.pi * min(t, 10) / 10)) + 0.2)),
    "natural_exp": (lambda s: tf.train.natural_exp_decay(0.1, s, 5, 0.5),
                    lambda t: 0.1 * math.exp(-0.5 * t / 5)),
    "natural_exp_staircase": (lambda s: tf.train.natural_exp_decay(0.1, s, 5, 0.5, staircase=True),
                              lambda t: 0.1 * math.exp(-0.5 * (t // 5))),
    "inverse_time": (lambda s: tf.train.inverse_time_decay(0.1, s, 5, 0.5),
                     lambda t: 0.1 / (1 + 0.5 * t / 5)),
    "inverse_time_staircase": (lambda s: tf.train.inverse_time_decay(0.1, s, 5, 0.5, staircase=True),
                               lambda t: 0.1 / (1 + 0.5 * (t // 5))),
}
SCHEDULE_STEPS = [0, 1, 4, 5, 6, 9, 10, 11, 15, 20, 25]


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_learning_rate_schedule_values_match_formula(name):
    make, formula = SCHEDULES[name]
    step = tf.placeholder(tf.int64, [])
    lr = make(step)
    assert lr.dtype == tf.float32
    with tf.Session() as sess:
        got = [sess.run(lr, {step: t}) for t in SCHEDULE_STEPS]
    np.testing.assert_allclose(np.float64(got), [formula(t) for t in SCHEDULE_STEPS], rtol=2e-6, atol=0)


def test_schedules_accept_a_global_step_variable_and_name():
    gs = tf.train.get_or_create_global_step()
    lr = tf.train.exponential_decay(0.5, gs, 1, 0.5, name="my_lr")
    assert lr.op.name == "my_lr"
    with tf.Session() as sess:
        sess.run(gs.initializer)
        sess.run(gs.assign(3))
        assert sess.run(lr) == np.float32(0.0625)
    with pytest.raises(ValueError):
        tf.train.exponential_decay(0.1, None, 10, 0.5)
    with pytest.raises(ValueError):
        tf.train.piecewise_constant(gs, [1, 2], [1.0, 2.0])


# ===== ExponentialMovingAverage ==============================================================
def test_ema_apply_average_and_names():
    w = tf.get_variable("w", initializer=np.float32([1.0, 2.0]))
    with tf.variable_scope("s"):
        v = tf.get_variable("v", initializer=np.float32(10.0))
    ema = tf.train.ExponentialMovingAverage(0.9)
    maintain = ema.apply([w, v])
    assert isinstance(maintain, tf.Operation)
    avg_w, avg_v = ema.average(w), ema.average(v)
    assert avg_w.op.name == "w/ExponentialMovingAverage" and avg_v.op.name == "s/v/ExponentialMovingAverage"
    assert ema.average_name(w) == "w/ExponentialMovingAverage"
    assert ema.average_name(v) == "s/v/ExponentialMovingAverage"
    assert ema.name == "ExponentialMovingAverage"
    assert not avg_w.trainable and avg_w in tf.global_variables() and avg_w not in tf.trainable_variables()
    assert tf.get_collection(tf.GraphKeys.MOVING_AVERAGE_VARIABLES) == [w, v]
    assert tf.moving_average_variables() == [w, v]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(avg_w), np.float32([1.0, 2.0]))  # starts at the value
        shadow_w, shadow_v = np.float32([1.0, 2.0]), np.float32(10.0)
        for k in range(3):
            sess.run([w.assign(np.float32([3.0 + k, -1.0])), v.assign(np.float32(0.0))])
            sess.run(maintain)
            shadow_w = shadow_w - (1 - np.float32(0.9)) * (shadow_w - np.float32([3.0 + k, -1.0]))
            shadow_v = shadow_v - (1 - np.float32(0.9)) * (shadow_v - np.float32(0.0))
            np.testing.assert_allclose(sess.run(avg_w), shadow_w, rtol=1e-6)
            np.testing.assert_allclose(sess.run(avg_v), shadow_v, rtol=1e-6)


def test_ema_num_updates_caps_the_decay():
    w = tf.get_variable("w", initializer=np.float64(0.0))
    step = tf.placeholder(tf.int64, [])
    ema = tf.train.ExponentialMovingAverage(0.99, num_updates=step)
    maintain = ema.apply([w])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(w.assign(1.0))
        shadow = 0.0
        for n in (0, 1, 1000):
            sess.run(maintain, {step: n})
            decay = min(_f32(0.99), (1.0 + n) / (10.0 + n))
            decay = float(np.float32(decay))  # computed in float32, cast to the average's dtype
            shadow -= (1 - decay) * (shadow - 1.0)
            np.testing.assert_allclose(sess.run(ema.average(w)), shadow, rtol=1e-7)


def test_ema_num_updates_global_step_is_read_after_the_train_op():
    """TF1's documented pattern: the averages (and the num_updates decay cap) see the values
    after the train op, including the incremented global step."""
    w = tf.get_variable("w", initializer=0.0)
    gs = tf.train.get_or_create_global_step()
    train = tf.group(w.assign_add(1.0), gs.assign_add(1))
    ema = tf.train.ExponentialMovingAverage(0.9, num_updates=gs)
    with tf.control_dependencies([train]):
        step = ema.apply([w])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got = []
        for _ in range(4):
            sess.run(step)
            got.append(sess.run(ema.average(w)))
    # TF1's values: decay = min(0.9, (1 + n) / (10 + n)) with n the incremented step.
    np.testing.assert_allclose(got, np.float32([0.8181818, 1.7045455, 2.6013987, 3.5004995]), rtol=1e-6)


def test_ema_variables_to_restore():
    w = tf.get_variable("w", initializer=1.0)
    b = tf.get_variable("b", initializer=2.0)
    gs = tf.train.get_or_create_global_step()
    ema = tf.train.ExponentialMovingAverage(0.9, name="EMA")
    ema.apply([w])
    restore = ema.variables_to_restore()
    assert restore == {"w/EMA": w, "b/EMA": b, "global_step": gs}
    assert ema.variables_to_restore([w]) == {"w/EMA": w, "b": b, "global_step": gs}


def test_ema_twice_on_a_variable_raises_and_int_variables_are_rejected():
    w = tf.get_variable("w", initializer=1.0)
    ema = tf.train.ExponentialMovingAverage(0.9)
    ema.apply([w])
    with pytest.raises(ValueError):
        ema.apply([w])
    with pytest.raises(TypeError):
        ema.apply([tf.get_variable("i", initializer=1, dtype=tf.int32)])


def test_ema_after_the_train_op():
    """The TF1 pattern: `with control_dependencies([train]): maintain = ema.apply(...)`."""
    w, b, loss = _model()
    opt = tf.train.GradientDescentOptimizer(0.1)
    train = opt.minimize(loss)
    ema = tf.train.ExponentialMovingAverage(0.5)
    with tf.control_dependencies([train]):
        step = ema.apply([w, b])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(step)
        w1 = W0 - _f32(0.1) * _grads(W0, B0)[0]
        np.testing.assert_allclose(sess.run(w), w1, rtol=1e-12)
        np.testing.assert_allclose(sess.run(ema.average(w)), W0 - 0.5 * (W0 - w1), rtol=1e-12)


# ===== UPDATE_OPS ============================================================================
def test_update_ops_run_with_the_train_op():
    w, b, loss = _model()
    calls = tf.get_variable("calls", initializer=0, dtype=tf.int32, trainable=False)
    moving_mean = tf.get_variable("moving_mean", initializer=np.zeros(3), trainable=False)
    batch_mean = tf.reduce_mean(tf.matmul(tf.constant(X), w), axis=0)
    tf.add_to_collection(tf.GraphKeys.UPDATE_OPS, calls.assign_add(1))
    tf.add_to_collection(tf.GraphKeys.UPDATE_OPS, moving_mean.assign_sub((moving_mean - batch_mean) * 0.1))
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        sess.run(train)
        assert sess.run(calls) == 2
        w1 = W0 - _f32(0.1) * _grads(W0, B0)[0]
        m1 = 0.1 * (X @ W0).mean(0)          # the update ops read w before the step
        m2 = m1 - (m1 - (X @ w1).mean(0)) * 0.1
        np.testing.assert_allclose(sess.run(moving_mean), m2, rtol=1e-12)
