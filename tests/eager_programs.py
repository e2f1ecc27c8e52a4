"""Eager-mode programs run both by TensorFlow (TF 2's default eager mode through
`tensorflow.compat.v1`) and by tfvars_jax after `tf.enable_eager_execution()`, each in a fresh
subprocess (eager mode is process-global): `python tests/eager_programs.py tf|ours` prints one
JSON object of results, which tests/test_eager_vs_tf.py compares.

Each program takes `ns`, the library's pieces: `tf` (the tf.compat.v1 namespace), `defun`
(TF's `tf.function` without autograph; ours `tf.contrib.eager.defun`), and contrib.eager's
functions (TF keeps them in `tensorflow.python.eager.backprop` and `variable_scope`).
"""
import json
import os
import sys
import types

import numpy as np

PROGRAMS = {}


def program(fn):
    PROGRAMS[fn.__name__] = fn
    return fn


def val(x):
    """A JSON-able (dtype, shape, values) of a tensor, variable or array; None stays None."""
    if x is None:
        return None
    a = np.asarray(x)
    return [a.dtype.str, list(a.shape), a.tolist() if a.dtype.kind != "S" else
            [str(s) for s in a.reshape(-1)]]


def err(fn):
    """The type name of the exception `fn()` raises (None if it does not)."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the type is the result
        return type(e).__name__
    return None


@program
def tensors(ns):
    tf = ns.tf
    a = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    s = tf.constant(2.5)
    i = tf.constant(7)
    b = tf.constant([True, False])
    out = {
        "str": [str(a), str(s), str(i), str(b), str(tf.constant("hi"))],
        "repr": [repr(s), repr(i), repr(tf.constant([1, 2])), repr(a)],
        "scalars": [float(s), int(i), bool(tf.constant(True)), i.__index__(), float(i)],
        "shape": [a.shape.as_list(), s.shape.as_list(), a.dtype.name, i.dtype.name, len(a),
                  a.get_shape().as_list(), str(a.shape)],
        "numpy": [val(a.numpy()), val(np.asarray(s)), val(np.add(a, 1.0)), val(a.numpy() * 2)],
        "ops": [val(a + 1), val(1 - a), val(a * s), val(a / 2), val(a // 2), val(a % 3),
                val(-a), val(abs(-a)), val(a ** 2), val(2 ** a), val(a @ a), val(a > 2),
                val(a <= 2), val(a[0]), val(a[:, 1]), val(a[1, 0]), val(i * 3), val(i / 2),
                val(b & tf.constant([True, True])), val(~b)],
        "iter": [val(r) for r in a],
        "format": [f"{s:.3f}", f"{i:04d}"],
        "np_ops": [val(np.sum(a)), val(np.matmul(a.numpy(), a))],
        "funcs": [val(tf.reduce_sum(a, axis=1)), val(tf.matmul(a, a, transpose_b=True)),
                  val(tf.nn.softmax(a)), val(tf.reshape(a, [4])), val(tf.concat([a, a], 0)),
                  val(tf.cast(a, tf.int32)), val(tf.zeros([2, 3])), val(tf.ones_like(a)),
                  val(tf.argmax(a, axis=1)), val(tf.tanh(a)), val(tf.square(s)),
                  val(tf.stack([s, s])), val(tf.range(5)), val(tf.one_hot([0, 2], 3)),
                  val(tf.where(a > 2, a, -a)), val(tf.gather(a, [1, 0])),
                  val(tf.nn.relu(a - 2.5)), val(tf.expand_dims(s, 0))],
        "executing_eagerly": tf.executing_eagerly(),
    }
    out["errors"] = {
        "op": err(lambda: a.op), "name": err(lambda: a.name), "graph": err(lambda: a.graph),
        "eval": err(lambda: a.eval()), "len_scalar": err(lambda: len(s)),
        "iter_scalar": err(lambda: iter(s)), "bool_matrix": err(lambda: bool(a)),
        "placeholder": err(lambda: tf.placeholder(tf.float32)),
        "gradients": err(lambda: tf.gradients(a, a)),
        "matmul_shapes": err(lambda: tf.matmul(a, tf.ones([3, 1]))),
        "index_float": err(lambda: s.__index__()),
    }
    return out


@program
def control_flow(ns):
    tf = ns.tf
    x = tf.constant(3)
    r1 = tf.cond(x > 2, lambda: x * 2, lambda: x - 1)
    r2 = tf.cond(x > 5, lambda: x * 2, lambda: x - 1)
    i, acc = tf.while_loop(lambda i, a: i < 4, lambda i, a: (i + 1, a + tf.cast(i, tf.float32)),
                           [tf.constant(0), tf.constant(0.5)])
    single = tf.while_loop(lambda i: i < 10, lambda i: i * 2, [tf.constant(1)])
    bounded = tf.while_loop(lambda i: i < 100, lambda i: i + 1, [tf.constant(0)],
                            maximum_iterations=7)
    v = tf.constant([1.0, -2.0, 3.0, -4.0, 3.0])
    uniq, idx = tf.unique(v)
    data_dependent = [val(tf.boolean_mask(v, v > 0)), val(tf.where(v > 0)), val(uniq), val(idx),
                      val(tf.argmax(v)), val(tf.random_uniform([2], maxval=5, dtype=tf.int64)
                                             .dtype.name)]
    with tf.GradientTape() as t:
        t.watch(v)
        masked = tf.reduce_sum(tf.boolean_mask(v, v > 0) ** 2)
    data_dependent.append(val(t.gradient(masked, v)))
    return {"cond": [val(r1), val(r2)], "while": [val(i), val(acc), val(single), val(bounded)],
            "data_dependent": data_dependent,
            "group": [tf.group() is None, tf.no_op() is None]}


@program
def variables(ns):
    tf = ns.tf
    v = tf.Variable(1.0, name="v")
    m = tf.Variable([[1.0, 2.0], [3.0, 4.0]], name="v")
    with tf.name_scope("outer"):
        with tf.name_scope("outer"):
            n1 = tf.Variable(0, name="n")
    with tf.name_scope("outer"):
        n2 = tf.Variable(0, name="n")
    out = {"names": [v.name, m.name, n1.name, n2.name],
           "repr": [repr(v), repr(n1)],
           "dtype": [v.dtype.name, n1.dtype.name, m.shape.as_list()],
           "device_nonempty": bool(v.device), "initializer": v.initializer is None}
    out["assign"] = [val(v.assign(3.0)), val(v.assign_add(2.0)), val(v.assign_sub(0.5)),
                     val(v.read_value()), val(v.numpy()), val(v.value()),
                     v.assign(1.0, read_value=False) is None, val(v)]
    out["ops"] = [val(v + 1.0), val(m * 2.0), val(tf.matmul(m, m)), val(m[0]), val(-v),
                  float(v), val(tf.assign_add(m, tf.ones([2, 2]))), val(m)]
    out["errors"] = {"initial_value": err(lambda: v.initial_value), "op": err(lambda: v.op),
                     "eval": err(lambda: v.eval()), "graph": err(lambda: v.graph),
                     "assign_shape": err(lambda: m.assign([1.0, 2.0, 3.0]))}
    out["collections"] = [len(tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES)),
                          len(tf.trainable_variables())]
    with tf.variable_scope("s"):
        a = tf.get_variable("a", [2], initializer=tf.ones_initializer())
        b = tf.get_variable("a", [2], initializer=tf.zeros_initializer())
    with tf.variable_scope("s", reuse=tf.AUTO_REUSE):
        c = tf.get_variable("a", [2], initializer=tf.zeros_initializer())
    out["get_variable"] = [a.name, b.name, c.name, a is b, a is c, val(a), val(b), val(c)]
    store = ns.EagerVariableStore()
    made = []
    for _ in range(2):
        with store.as_default(), tf.variable_scope("m"):
            made.append(tf.get_variable("k", [3], initializer=tf.constant_initializer(2.0)))
            tf.get_variable("j", [], dtype=tf.int32, trainable=False)
    out["store"] = [made[0] is made[1], [x.name for x in store.variables()],
                    [x.name for x in store.trainable_variables()],
                    [x.name for x in store.non_trainable_variables()]]
    step = tf.train.get_or_create_global_step()
    step2 = tf.train.get_or_create_global_step()
    out["global_step"] = [step.name, step is step2, step.dtype.name, val(step)]
    return out


@program
def operands(ns):
    """Binary ops on eager tensors, variables and Python numbers (our eager fast path): values,
    dtypes, NaN, mismatched operands' errors, and gradients through them. Not compared: signed
    zeros (TF's eager cache of converted Python numbers takes -0.0 for 0.0 or 0.0 for -0.0,
    whichever came first; ours keeps IEEE signs: test_eager.py), and a dtype mismatch of two
    tensors (TF's eager kernels raise InvalidArgumentError, ours TF1's graph TypeError)."""
    tf = ns.tf
    x = tf.constant([1.0, -2.0])
    big = tf.constant(2 ** 40, tf.int64)
    d = tf.constant([1.0, 3.0], tf.float64)
    i = tf.constant([7, -8])
    v = tf.Variable([[1.0, 2.0], [3.0, 4.0]], name="v")
    m = tf.constant([[1.0, 0.0], [0.0, 2.0]])
    out = {
        "numbers": [val(big * 3), val(3 * big), val(d * 0.1), val(0.1 * d), val(x * 0.5),
                    val(2.0 - x), val(x / 4.0), val(i // 2), val(i % 3), val(x > 0.0),
                    val(tf.maximum(x, 0.0)), val(tf.add(i, 1)), val(tf.tanh(x)), val(-x)],
        "nan": np.isnan(np.asarray(x * float("nan"))).tolist(),
        "variables": [val(tf.matmul(m, v)), val(v * 2.0 + v), val(1.0 - v),
                      val(tf.matmul(v, m, transpose_b=True)), val(tf.matmul(v, v))],
        "errors": [err(lambda: i * 2.5), err(lambda: tf.add(x, tf.constant([1.0, 2.0, 3.0]))),
                   err(lambda: x * "a")],
    }
    v.assign([[0.0, 1.0], [1.0, 0.0]])
    out["after_assign"] = val(tf.matmul(v, m))
    with tf.GradientTape(persistent=True) as tape:
        c = tf.constant(3.0)
        tape.watch(c)
        y = tf.reduce_sum(tf.matmul(m, v) * 2.0 + 1.0) + c * 0.5
        z = m * 3.0
    out["gradients"] = [val(tape.gradient(y, v)), val(tape.gradient(y, c)),
                        val(tape.gradient(z, c))]
    return out


@program
def tapes(ns):
    tf = ns.tf
    out = {}
    x = tf.constant(3.0)
    with tf.GradientTape() as t:
        t.watch(x)
        y = x * x * x + tf.sin(x) - 2.0 / x
    out["poly"] = val(t.gradient(y, x))
    out["reuse"] = err(lambda: t.gradient(y, x))
    a = tf.constant([[1.0, -2.0], [0.5, 3.0]])
    w = tf.Variable([[0.1, 0.2], [0.3, 0.4]], name="w")
    bias = tf.Variable([0.5, -0.5], name="bias")
    frozen = tf.Variable(2.0, trainable=False, name="frozen")
    labels = tf.constant([[0.0, 1.0], [1.0, 0.0]])
    with tf.GradientTape(persistent=True) as t:
        logits = tf.matmul(a, w) + bias
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels,
                                                                         logits=logits))
        loss2 = tf.reduce_sum(tf.tanh(logits) * frozen) + tf.reduce_sum(w * w)
    out["model"] = [val(g) for g in t.gradient(loss, [w, bias, frozen])]
    out["model2"] = [val(g) for g in t.gradient(loss2, [w, bias, frozen])]
    out["dict"] = {k: val(g) for k, g in t.gradient(loss, {"w": w, "b": bias}).items()}
    out["zero"] = [val(g) for g in t.gradient(
        loss, [w, frozen], unconnected_gradients=tf.UnconnectedGradients.ZERO)]
    out["list_target"] = [val(g) for g in t.gradient([loss, loss2], [w, bias])]
    out["output_gradients"] = val(t.gradient(logits, w, output_gradients=tf.ones([2, 2]) * 3.0))
    out["watched"] = sorted(v.name for v in t.watched_variables())
    del t
    with tf.GradientTape(watch_accessed_variables=False) as t:
        t.watch(bias)
        z = tf.reduce_sum(w * 2.0 + bias * bias)
    out["not_accessed"] = [val(g) for g in t.gradient(z, [w, bias])]
    b0 = tf.constant(2.0)
    with tf.GradientTape() as t:
        t.watch(b0)
        c = b0 * 2.0
        t.watch(c)
        d = b0 + c * c
    out["interdependent"] = [val(g) for g in t.gradient(d, [b0, c])]
    with tf.GradientTape(persistent=True) as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = x * x * x
        dy = inner.gradient(y, x)
    out["second_order"] = [val(dy), val(outer.gradient(dy, x))]
    with tf.GradientTape() as t:
        t.watch(x)
        y1 = x * x
        with t.stop_recording():
            y2 = x * x
        y = y1 + y2
    out["stop_recording"] = val(t.gradient(y, x))
    with tf.GradientTape(persistent=True) as t:
        t.watch(a)
        fl = tf.floor(a)
        ints = tf.cast(a, tf.int32)
        same = tf.identity(a)
    out["none"] = [t.gradient(fl, a) is None, t.gradient(tf.reduce_sum(a), a) is None,
                   val(t.gradient(a, a)), val(t.gradient(same, a))]
    with tf.GradientTape(persistent=True) as t:
        t.watch(a)
        y = tf.tanh(a) * 2.0
        ys = tf.reduce_sum(y * y, axis=1)
    out["jacobian"] = val(t.jacobian(y, a))
    out["batch_jacobian"] = val(t.batch_jacobian(y, a))
    out["jacobian_vector"] = val(t.jacobian(ys, a))
    del ints
    v = tf.Variable(2.0, name="v")
    with tf.GradientTape() as t:
        r1 = v * 1.0
        v.assign_add(1.0)
        r2 = v * v
        y = r1 * r2
    out["read_assign_read"] = val(t.gradient(y, v))
    with tf.GradientTape() as t:
        y = tf.while_loop(lambda i, s: i < 3, lambda i, s: (i + 1, s * v),
                          [tf.constant(0), tf.constant(1.0)])[1]
        yc = tf.cond(v > 2.0, lambda: v * 10.0, lambda: v)
    out["loops"] = [val(y), val(t.gradient([y, yc], v))]
    with tf.GradientTape() as t:
        noise = tf.random_normal([3], mean=v, stddev=0.0, seed=1)
    out["random_mean"] = val(t.gradient(tf.reduce_sum(noise), v))
    emb = tf.Variable(np.arange(12, dtype=np.float32).reshape(4, 3), name="emb")
    with tf.GradientTape() as t:
        y = tf.reduce_sum(tf.gather(emb, [2, 0, 2]) * 2.0)
    g = t.gradient(y, emb)
    opt = tf.train.MomentumOptimizer(0.1, 0.9)
    for ids in ([2, 0], [1], [1]):
        opt.minimize(lambda ids=ids: tf.reduce_sum(tf.gather(emb, ids)))
    out["gather"] = [type(g).__name__, val(tf.convert_to_tensor(g)), val(emb)]
    return out


@program
def functional_gradients(ns):
    tf = ns.tf

    def f(x, y):
        return x * x * y + y

    g = ns.gradients_function(f)
    g1 = ns.gradients_function(f, params=[1])
    vg = ns.val_and_grad_function(f)
    w = tf.Variable(3.0, name="w")
    u = tf.Variable([1.0, 2.0], name="u")

    def loss(x):
        return tf.reduce_sum(u * w * x)

    ivg = ns.implicit_value_and_gradients(loss)
    ig = ns.implicit_gradients(loss)
    value, gv = ivg(tf.constant(2.0))
    v2, g2 = vg(2.0, 3.0)
    return {"grads": [val(t) for t in g(2.0, 3.0)], "param1": [val(t) for t in g1(2.0, 3.0)],
            "dy": [val(t) for t in g(2.0, 3.0, dy=tf.constant(10.0))],
            "val_and_grad": [val(v2), [val(t) for t in g2]],
            "implicit": [val(value), [(val(gr), var.name) for gr, var in gv]],
            "implicit_grads": [(val(gr), var.name) for gr, var in ig(tf.constant(1.0))]}


@program
def optimizers(ns):
    tf = ns.tf
    out = {}
    makers = {
        "sgd": lambda: tf.train.GradientDescentOptimizer(0.1),
        "momentum": lambda: tf.train.MomentumOptimizer(0.1, 0.9, use_nesterov=True),
        "adam": lambda: tf.train.AdamOptimizer(0.05),
        "adagrad": lambda: tf.train.AdagradOptimizer(0.2),
        "rmsprop": lambda: tf.train.RMSPropOptimizer(0.01, momentum=0.5),
        "adadelta": lambda: tf.train.AdadeltaOptimizer(1.0),
    }
    x = tf.constant([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]])
    y = tf.constant([[1.0], [0.0], [2.0]])
    for key, make in makers.items():
        with tf.variable_scope(key):
            w = tf.get_variable("w", initializer=tf.constant([[0.1], [-0.2]]))
            b = tf.get_variable("b", initializer=tf.constant([0.3]))
        step = tf.Variable(0, dtype=tf.int64, trainable=False, name="step")
        opt = make()

        def loss(w=w, b=b):
            return tf.reduce_mean(tf.square(tf.matmul(x, w) + b - y))
        results = []
        for i in range(4):
            if i % 2:
                results.append(opt.minimize(loss, global_step=step) is None)
            else:
                gv = opt.compute_gradients(loss, var_list=[w, b])
                results.append(opt.apply_gradients(gv, global_step=step) is None)
        out[key] = {"w": val(w), "b": val(b), "step": val(step), "none": results,
                    "loss": val(loss()),
                    "slots": sorted(opt.get_slot_names()),
                    "vars": sorted(v.name for v in opt.variables())}
    return out


@program
def compiled(ns):
    tf = ns.tf
    w = tf.Variable([1.0, 2.0], name="w")
    calls = []

    @ns.defun
    def f(x, k):
        calls.append(1)
        y = tf.reduce_sum(w * x) * k
        w.assign_add(x)
        return y, {"k": k}

    r = [f(tf.constant([1.0, 1.0]), 2), f(tf.constant([1.0, 2.0]), 2),
         f(tf.constant([0.5, 0.5]), 3)]
    out = {"f": [[val(a), b] for a, b in r], "w": val(w), "traces": len(calls)}
    v = tf.Variable(3.0, name="v")

    @ns.defun
    def g(x):
        return v * v * x + tf.sin(x)

    x = tf.constant(2.0)
    with tf.GradientTape() as t:
        t.watch(x)
        y = g(x)
    out["grad"] = [val(y), [val(d) for d in t.gradient(y, [x, v])]]
    opt = tf.train.GradientDescentOptimizer(0.1)
    u = tf.Variable([0.5, -1.0], name="u")

    @ns.defun
    def train(x):
        def loss():
            return tf.reduce_sum(tf.square(u * x - 1.0))
        opt.minimize(loss, var_list=[u])
        return loss()

    out["train"] = [val(train(tf.constant([1.0, 2.0]))) for _ in range(3)] + [val(u)]
    return out


@program
def seeds(ns):
    tf = ns.tf
    tf.set_random_seed(7)
    a1 = tf.random_normal([4], seed=1).numpy()
    a2 = tf.random_normal([4], seed=1).numpy()
    b1 = tf.random_uniform([4]).numpy()
    tf.set_random_seed(7)
    a1_again = tf.random_normal([4], seed=1).numpy()
    a2_again = tf.random_normal([4], seed=1).numpy()
    b1_again = tf.random_uniform([4]).numpy()
    tf.set_random_seed(8)
    c1 = tf.random_normal([4], seed=1).numpy()
    u = tf.random_uniform([1000], minval=2.0, maxval=3.0).numpy()
    return {"repeat": [bool((a1 == a2).all()), bool((a1 == a1_again).all()),
                       bool((a2 == a2_again).all()), bool((b1 == b1_again).all()),
                       bool((a1 == c1).all())],
            "ranges": [bool(u.min() >= 2.0), bool(u.max() < 3.0), u.dtype.str],
            "get_seed": [list(tf.get_seed(3)), tf.get_seed(None)[0] == 7]}


@program
def checkpoints(ns):
    """Saves a model, optimizer and step with tf.train.Checkpoint under $EAGER_PROGRAMS_DIR/<lib>;
    restores the other library's checkpoint there if it exists (the test runs ours, TF, then
    ours again)."""
    tf = ns.tf
    root = os.environ.get("EAGER_PROGRAMS_DIR")
    if root is None:
        return {"skipped": True}
    mine = os.path.join(root, ns.which)
    other = os.path.join(root, "tf" if ns.which == "ours" else "ours")

    def build():
        w = tf.Variable([[1.0, 2.0], [3.0, 4.0]], name="w")
        b = tf.Variable([0.5, -0.5], name="b")
        step = tf.Variable(0, dtype=tf.int64, name="step", trainable=False)
        opt = tf.train.AdamOptimizer(0.1)
        ckpt = tf.train.Checkpoint(w=w, b=b, step=step, opt=opt)
        return w, b, step, opt, ckpt

    def loss(w, b):
        return lambda: tf.reduce_sum(tf.matmul(w, w) + b)

    w, b, step, opt, ckpt = build()
    for _ in range(2):
        opt.minimize(loss(w, b), global_step=step)
    path = ckpt.save(os.path.join(mine, "ck"))
    out = {"path": os.path.basename(path), "counter": val(ckpt.save_counter),
           "saved": sorted((name, shape) for name, shape in tf.train.list_variables(path)
                           if name != "_CHECKPOINTABLE_OBJECT_GRAPH"),
           "values": {name: val(tf.train.load_variable(path, name))
                      for name, _ in tf.train.list_variables(path)
                      if name != "_CHECKPOINTABLE_OBJECT_GRAPH"}}
    w.assign(tf.zeros([2, 2]))
    status = ckpt.restore(path)
    status.assert_consumed()
    out["restored_own"] = [val(w), val(step)]
    theirs = os.path.join(other, "ck-1")
    if os.path.exists(theirs + ".index"):
        w2, b2, step2, opt2, ckpt2 = build()
        status = ckpt2.restore(theirs)
        before = [val(w2), val(b2), val(step2)]
        opt2.minimize(loss(w2, b2), global_step=step2)  # slots restored when created
        status.assert_consumed()
        out["restored_other"] = before + [val(w2), val(opt2.get_slot(w2, "m"))]
    return out


def namespace(which):
    """The library's pieces for the programs, after enabling eager mode (ours)."""
    if which == "tf":
        import tensorflow.compat.v1 as tf
        from tensorflow.python.eager import backprop
        from tensorflow.python.ops.variable_scope import EagerVariableStore
        return types.SimpleNamespace(
            which=which, tf=tf, defun=lambda f: tf.function(f, autograph=False),
            gradients_function=backprop.gradients_function,
            val_and_grad_function=backprop.val_and_grad_function,
            implicit_gradients=backprop.implicit_grad,
            implicit_value_and_gradients=backprop.implicit_val_and_grad,
            EagerVariableStore=EagerVariableStore)
    import tfvars_jax as tf
    tf.enable_eager_execution()
    tfe = tf.contrib.eager
    return types.SimpleNamespace(
        which=which, tf=tf, defun=tfe.defun, gradients_function=tfe.gradients_function,
        val_and_grad_function=tfe.val_and_grad_function,
        implicit_gradients=tfe.implicit_gradients,
        implicit_value_and_gradients=tfe.implicit_value_and_gradients,
        EagerVariableStore=tfe.EagerVariableStore)


def _unknown(obj):
    """A value a program returned without `val`: its type and value, so both sides compare."""
    return ["object", type(obj).__name__, np.asarray(obj).tolist()]


def main(which, names=None):
    ns = namespace(which)
    results = {}
    for name in names or PROGRAMS:
        try:
            results[name] = PROGRAMS[name](ns)
        except Exception as e:  # noqa: BLE001 - reported to the test
            import traceback
            results[name] = {"__error__": f"{type(e).__name__}: {e}",
                             "__traceback__": traceback.format_exc()}
    print("RESULTS " + json.dumps(results, default=_unknown))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:] or None)
