"""tf.custom_gradient checked against TF's compat.v1 graph mode: values and gradients of the
classic examples (numerically stable log1pexp, clipping the gradient's norm in the backward
pass, a function reading a resource variable it creates, one reading a ref variable made
outside), several outputs, second-order gradients, names and TF1's errors."""
import numpy as np
import pytest

import tfvars_jax

pytestmark = pytest.mark.tensorflow
tf1 = pytest.importorskip("tensorflow.compat.v1")
tf1.disable_v2_behavior()


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


def _assert_same(a, b):
    if isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _assert_same(x, y)
    else:
        np.testing.assert_allclose(np.asarray(b), np.asarray(a), rtol=1e-6)
        assert np.asarray(b).dtype == np.asarray(a).dtype


def test_log1pexp_stable_gradient():
    def build(tf):
        @tf.custom_gradient
        def log1pexp(x):
            e = tf.exp(x)

            def grad(dy):
                return dy * (1 - 1 / (1 + e))
            return tf.log(1 + e), grad
        x = tf.constant([0.0, 3.0, 100.0])
        y = log1pexp(x)
        return [y, tf.gradients(y, x), tf.gradients(3.0 * y, x)]
    theirs, ours = _both(build)
    _assert_same(theirs, ours)
    assert ours[1][0][2] == 1.0  # not nan: the forward ops are not backpropagated


def test_clip_gradient_by_norm_in_backward_pass():
    def build(tf):
        @tf.custom_gradient
        def clip_gradient_by_norm(x, norm):
            y = tf.identity(x)

            def grad_fn(dresult):
                return [tf.clip_by_norm(dresult, norm), None]
            return y, grad_fn
        a = tf.constant([3.0, 4.0])
        n = tf.constant(1.0)
        c = clip_gradient_by_norm(a, n)
        return [c, tf.gradients(c * 10.0, [a, n], unconnected_gradients="zero")]
    theirs, ours = _both(build)
    _assert_same(theirs, ours)


def test_function_creating_a_resource_variable():
    def build(tf):
        @tf.custom_gradient
        def with_var(x):
            v = tf.get_variable("v", initializer=2.0, use_resource=True)

            def grad_fn(dy, variables=None):
                return dy * 3.0 * v, [dy * x * 5.0]
            return x * v, grad_fn
        b = tf.constant(1.5)
        w = with_var(b)
        assert [v.name for v in tf.global_variables()] == ["v:0"]
        return [w, tf.gradients(w, [b] + tf.global_variables())]
    theirs, ours = _both(build)
    _assert_same(theirs, ours)


def test_function_reading_a_ref_variable_made_outside():
    seen = []

    def build(tf):
        r = tf.Variable(2.0)

        @tf.custom_gradient
        def with_ref(x):
            def grad_fn(dy, variables=None):
                seen.append([v.name for v in variables])
                return dy * r, [dy * 7.0]
            return x * r, grad_fn
        b = tf.constant(1.5)
        y = with_ref(b)
        return [y, tf.gradients(y * y, [b, r])]
    theirs, ours = _both(build)
    _assert_same(theirs, ours)
    assert seen == [["Variable:0"], ["Variable:0"]]


def test_several_outputs_and_names():
    def build(tf):
        @tf.custom_gradient
        def two(x, y):
            def g(dz1, dz2):
                return dz1 + dz2, 2.0 * dz2
            return (x * y, x + y), g
        x, y = tf.constant(2.0), tf.constant(3.0)
        p, q = two(x, y)
        names = [p.name, q.name, p.op.type]
        assert names == ["IdentityN:0", "IdentityN:1", "IdentityN"]
        return [p, q, tf.gradients(p + 4.0 * q, [x, y]), tf.gradients([p, q], [x, y])]
    theirs, ours = _both(build)
    _assert_same(theirs, ours)


def test_second_order_differentiates_grad_fn():
    def build(tf):
        @tf.custom_gradient
        def cube(x):
            return x * x * x, lambda dy: dy * 2.0 * x * x  # deliberately not 3x^2
        b = tf.constant([1.5, -2.0])
        s = cube(b)
        g = tf.gradients(s, b)[0]
        return [s, g, tf.gradients(g, b)]
    theirs, ours = _both(build)
    _assert_same(theirs, ours)


def test_gradient_inside_a_model_with_optimizer():
    def build(tf):
        @tf.custom_gradient
        def scale_grad(x):
            return tf.identity(x), lambda dy: dy * 0.5
        w = tf.Variable([1.0, -2.0])
        loss = tf.reduce_sum(tf.square(scale_grad(w)))
        step = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
        with tf.control_dependencies([step]):
            after = tf.identity(w.read_value())
        return [after]
    theirs, ours = _both(build)
    _assert_same(theirs, ours)


@pytest.mark.parametrize("lib", ["tf1", "ours"])
def test_errors_as_tf1(lib):
    tf = tf1 if lib == "tf1" else tfvars_jax
    if True:
        with tf.Graph().as_default():
            @tf.custom_gradient
            def inside_ref(x):
                v = tf.get_variable("v", initializer=2.0)
                return x * v, lambda dy, variables=None: (dy, [dy])
            with pytest.raises(TypeError, match="must be `ResourceVariable`s"):
                inside_ref(tf.constant(1.0))

            @tf.custom_gradient
            def no_vars_kw(x):
                v = tf.get_variable("w", initializer=2.0, use_resource=True)
                return x * v, lambda dy: dy
            with pytest.raises(TypeError, match="must accept keyword argument 'variables'"):
                no_vars_kw(tf.constant(1.0))

            @tf.custom_gradient
            def ident(x):
                return tf.identity(x), lambda dy: dy
            with pytest.raises(ValueError, match="keywords arguments only when eager"):
                ident(x=tf.constant(1.0))
