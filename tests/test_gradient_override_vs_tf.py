"""tf.RegisterGradient and Graph.gradient_override_map checked against TF's compat.v1 graph
mode: guided backprop (Relu -> a registered gradient), straight-through estimators (Round and
Sign -> "Identity"), a py_func with a gradient (the classic recipe), gradients of the overriding
function's own ops flowing on to earlier ops and variables, optimizer steps, names, and TF1's
errors (a name registered twice, a wrong number of gradients, an unregistered target)."""
import itertools

import numpy as np
import pytest

import tfvars_jax

pytestmark = pytest.mark.tensorflow
tf1 = pytest.importorskip("tensorflow.compat.v1")
tf1.disable_v2_behavior()

_ids = itertools.count()


def _name(base):
    """A fresh registry name: both registries are process-global and refuse a second entry."""
    return f"{base}{next(_ids)}"


def _both(build):
    """Runs `build(tf)` (returns fetches) in a fresh graph with each library."""
    out = []
    for tf in (tf1, tfvars_jax):
        with tf.Graph().as_default():
            fetches = build(tf)
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                out.append(sess.run(fetches))
    return out


def _assert_same(a, b, exact=True):
    if isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _assert_same(x, y, exact)
    elif a is None:
        assert b is None
    else:
        a, b = np.asarray(a), np.asarray(b)
        assert a.dtype == b.dtype and a.shape == b.shape
        if exact:
            np.testing.assert_array_equal(b, a)
        else:
            np.testing.assert_allclose(b, a, rtol=1e-6)


def test_guided_relu_gradient():
    name = _name("GuidedRelu")

    def build(tf):
        @tf.RegisterGradient(name)
        def _guided(op, grad):
            return tf.where(grad > 0., grad * tf.cast(op.outputs[0] > 0., grad.dtype),
                            tf.zeros_like(grad))

        x = tf.constant([[-1., 2., 3., -4.], [1., -2., 0.5, 4.]])
        w = tf.constant([1., -1., 2., 2.])
        g = tf.get_default_graph()
        plain = tf.nn.relu(x * w)
        with g.gradient_override_map({"Relu": name}):
            guided = tf.nn.relu(x * w)
        assert guided.op.get_attr("_gradient_op_type") == name.encode()
        loss = tf.reduce_sum(guided * w) + tf.reduce_sum(plain * w * 3.)
        return tf.gradients(loss, x)

    ref, ours = _both(build)
    _assert_same(ref, ours)


def test_straight_through_round_and_sign_with_variables_and_training():
    def build(tf):
        w = tf.get_variable("w", initializer=[0.3, -0.2, 1.7])
        g = tf.get_default_graph()
        with g.gradient_override_map({"Round": "Identity", "Sign": "Identity"}):
            q = tf.round(w * 2.) + tf.sign(w)
        loss = tf.reduce_sum(q * tf.constant([2., 3., -1.]))
        grads = tf.gradients(loss, w)
        with tf.control_dependencies(grads):
            step = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
        with tf.control_dependencies([step]):
            after = tf.identity(w.read_value())
        return grads, after

    ref, ours = _both(build)
    _assert_same(ref, ours)


def test_override_outside_the_context_and_nested_maps():
    name = _name("Twice")

    def build(tf):
        @tf.RegisterGradient(name)
        def _twice(op, grad):
            return [grad * 2., None]

        g = tf.get_default_graph()
        x = tf.constant([1., 2.])
        y = tf.constant([3., 4.])
        with g.gradient_override_map({"Mul": name}):
            a = x * y
            with g.gradient_override_map({"Mul": "Identity", "Add": "Identity"}):
                pass
            b = x * y  # the inner map restored the outer one
        c = x * y      # outside: TF1's gradient
        return tf.gradients([a, b, c], [x, y])

    ref, ours = _both(build)
    _assert_same(ref, ours)


def test_py_func_with_a_gradient():
    """The classic recipe: a py_func whose gradient is registered under a fresh name."""
    def build(tf):
        name = _name("PyFuncGrad")

        @tf.RegisterGradient(name)
        def _square_grad(op, grad):
            return grad * 20. * op.inputs[0]

        v = tf.get_variable("v", initializer=[1., 2., 3.])
        with tf.get_default_graph().gradient_override_map({"PyFunc": name}):
            y = tf.py_func(lambda a: np.square(a), [v * 2.], [tf.float32], name="sq")[0]
        assert y.op.type == "PyFunc"
        y.set_shape([3])
        loss = tf.reduce_sum(y * v)
        grads = tf.gradients(loss, v)
        with tf.control_dependencies(grads):
            step = tf.train.GradientDescentOptimizer(0.125).minimize(loss)
        with tf.control_dependencies([step]):
            after = tf.identity(v.read_value())
        return grads, after

    ref, ours = _both(build)
    _assert_same(ref, ours)


def test_gradient_function_ops_are_differentiated_and_named():
    name = _name("ScaledSquare")
    names = {}

    def build(tf):
        @tf.RegisterGradient(name)
        def _scaled(op, grad):
            return grad * op.inputs[0] * op.inputs[0]  # not 2x: x^2, so d/dx is 2x dy

        x = tf.constant([1.5, -2.])
        with tf.get_default_graph().gradient_override_map({"Square": name}):
            y = tf.square(tf.sin(x))
        gx = tf.gradients(y, x)[0]
        names[tf.__name__] = sorted(o.name for o in tf.get_default_graph().get_operations()
                                    if "Square_grad" in o.name and o.type == "Mul")
        return gx, tf.gradients(gx, x)

    ref, ours = _both(build)
    _assert_same(ref, ours, exact=False)
    assert names["tfvars_jax"] == names[tf1.__name__]


@pytest.mark.parametrize("tf", [tf1, tfvars_jax], ids=["tf", "ours"])
def test_errors(tf):
    name = _name("Dup")
    tf.RegisterGradient(name)(lambda op, grad: grad)
    with pytest.raises(KeyError, match="Registering two gradient with name"):
        tf.RegisterGradient(name)(lambda op, grad: grad)
    with pytest.raises(TypeError, match="op_type must be a string"):
        tf.RegisterGradient(3)
    with tf.Graph().as_default() as g:
        with pytest.raises(TypeError, match="mapping strings to strings"):
            with g.gradient_override_map({"Relu": 1}):
                pass
        bad = _name("Bad")
        tf.RegisterGradient(bad)(lambda op, grad: [grad, grad])
        x = tf.constant([1., 2.])
        with g.gradient_override_map({"Relu": bad, "Exp": _name("Unregistered")}):
            r = tf.nn.relu(x)
            e = tf.exp(x)
        with pytest.raises(ValueError, match=r"Num gradients 2 generated for op (name: \"|)Relu"
                                             r"[^$]*do not match num inputs 1"):
            tf.gradients(r, x)
        with pytest.raises(LookupError, match=r"No gradient defined for operation ?'Exp' \(op type: Exp\)"):
            tf.gradients(e, x)
        assert tf.gradients(tf.exp(x) * 2., x)[0] is not None  # made outside the map


def test_not_differentiable_aliases():
    assert tfvars_jax.NoGradient is tfvars_jax.NotDifferentiable is tfvars_jax.no_gradient
    with tfvars_jax.Graph().as_default() as g:
        x = tfvars_jax.constant([1., 2.])
        with g.gradient_override_map({"Exp": "StopGradient"}):
            y = tfvars_jax.exp(x) + x
        with tfvars_jax.Session() as sess:
            np.testing.assert_array_equal(sess.run(tfvars_jax.gradients(y, x)[0]), [1., 1.])


def test_grad_pass_through_and_aggregation_methods():
    def build(tf):
        w = tf.get_variable("w", initializer=[0.3, -1.7, 2.5], use_resource=True)
        x = tf.constant([0.4, 1.6, -2.2])
        q = tf.grad_pass_through(tf.round)(x * w)
        loss = tf.reduce_sum(q * tf.constant([1., 2., 3.])) + tf.reduce_sum(w * w)
        return [tf.gradients(loss, [w, x], aggregation_method=m)
                for m in (None, tf.AggregationMethod.ADD_N,
                          tf.AggregationMethod.EXPERIMENTAL_TREE,
                          tf.AggregationMethod.EXPERIMENTAL_ACCUMULATE_N)] + [q]

    ref, ours = _both(build)
    _assert_same(ref, ours)


@pytest.mark.parametrize("tf", [tf1, tfvars_jax], ids=["tf", "ours"])
def test_invalid_aggregation_method(tf):
    with tf.Graph().as_default():
        x = tf.constant([1., 2.])
        with pytest.raises(ValueError, match="Invalid `aggregation_method` specified 7"):
            tf.gradients(x * x, x, aggregation_method=7)


def test_complex_gradients():
    """TF1's convention: complex ys need grad_ys; a complex x's gradient is the conjugate of
    JAX's vjp of the conjugated grad_ys."""
    def build(tf):
        a, b = tf.constant([1., 2.]), tf.constant([0.5, -1.])
        z = tf.complex(a, b)
        y = tf.exp(z * z * tf.constant([1 + 2j, 3 - 1j], tf.complex64))
        r = tf.real(y * tf.conj(z))
        return (tf.gradients(y, [z, a, b], grad_ys=tf.constant([2 - 1j, 0.5 + 3j], tf.complex64))
                + tf.gradients(r, [z, a]))

    ref, ours = _both(build)
    for a, b in zip(ref, ours):
        assert a.dtype == b.dtype
        np.testing.assert_allclose(b, a, rtol=2e-6)


@pytest.mark.parametrize("tf", [tf1, tfvars_jax], ids=["tf", "ours"])
def test_complex_ys_need_grad_ys(tf):
    with tf.Graph().as_default():
        z = tf.complex(tf.constant([1.]), tf.constant([2.]))
        with pytest.raises(TypeError, match="must set grad_ys"):
            tf.gradients(z * z, z)
