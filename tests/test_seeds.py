"""The variable snippets of the seed documents (/work/shared/seeds), run under
`import tfvars_jax as tf`, asserting the documents' answers.

Each snippet is kept as the document prints it (inside a string, executed with `tf` bound to
tfvars_jax); the only edits are marked `# FIX:` (typos such as `constant_intializer`, missing
colons, Python 2 `print`, a missing comma) or `# ADDED:` (a session/initializer line or an
input tensor the document leaves implicit). Snippets that use things tfvars_jax does not ship
(tf.train.replica_device_setter, tf.contrib.eager) assert the clear AttributeError instead.

Seeds: 000 = variables guide as a Jupyter notebook (Chinese), 001 = variables guide
(English + Chinese), 002 = tf.Variable docstring, 003 = sharing variables guide (Chinese),
004 = notes on variable collections and initialization.
"""
import textwrap

import numpy as np
import pytest

import tfvars_jax as tf


def run(code, **ns):
    """Execute a snippet with `tf` = tfvars_jax (plus `ns`) and return its namespace."""
    namespace = {"tf": tf, "np": np, **ns}
    exec(compile(textwrap.dedent(code), "<seed snippet>", "exec"), namespace)  # noqa: S102
    return namespace


def names(vs):
    return [v.name for v in vs]


# ===== seed 000 / 001: the variables guide ================================================

CREATE = """
my_variable = tf.get_variable("my_variable", [1, 2, 3])
my_int_variable = tf.get_variable("my_int_variable", [1, 2, 3], dtype=tf.int32,
  initializer=tf.zeros_initializer)
other_variable = tf.get_variable("other_variable", dtype=tf.int32,
  initializer=tf.constant([23, 42]))
"""


def test_creating_a_variable():
    ns = run(CREATE)
    v, i, o = ns["my_variable"], ns["my_int_variable"], ns["other_variable"]
    # "a variable named 'my_variable' ... shape [1, 2, 3] ... dtype tf.float32 ... glorot_uniform"
    assert v.name == "my_variable:0" and v.shape.as_list() == [1, 2, 3] and v.dtype.base_dtype == tf.float32
    assert i.dtype.base_dtype == tf.int32 and i.shape.as_list() == [1, 2, 3]
    # "when the initializer is a tf.Tensor ... the shape of the initializer tensor will be used"
    assert o.shape.as_list() == [2] and o.dtype.base_dtype == tf.int32
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        mv, iv, ov = sess.run([v, i, o])
    limit = np.sqrt(6.0 / (2 + 3))  # glorot: receptive field 1, fan_in 2, fan_out 3
    assert np.all(np.abs(mv) <= limit + 1e-6)
    np.testing.assert_array_equal(iv, np.zeros([1, 2, 3]))
    np.testing.assert_array_equal(ov, [23, 42])


def test_initializing_variables_session_prints_empty_list(capsys):
    # seed 000 cell In[5]; output "[]"
    run(CREATE + """
session = tf.Session()
session.run(tf.global_variables_initializer())
# Now all variables are initialized.
session.run(my_variable.initializer)
print(session.run(tf.report_uninitialized_variables()))
""")
    assert capsys.readouterr().out == "[]\n"


def test_report_uninitialized_before_init(capsys):
    ns = run(CREATE + """
session = tf.Session()
print(session.run(tf.report_uninitialized_variables()))
""")
    out = ns["session"].run(tf.report_uninitialized_variables())
    assert [x.decode() if isinstance(x, bytes) else x for x in out] == [
        "my_variable", "my_int_variable", "other_variable"]
    assert "my_variable" in capsys.readouterr().out


def test_variable_collections():
    ns = run("""
my_local = tf.get_variable("my_local", shape=(),
collections=[tf.GraphKeys.LOCAL_VARIABLES])
my_non_trainable = tf.get_variable("my_non_trainable",
                                   shape=(),
                                   trainable=False)
tf.add_to_collection("my_collection_name", my_local)
result = tf.get_collection("my_collection_name")
""")
    assert ns["result"] == [ns["my_local"]]
    assert names(tf.local_variables()) == ["my_local:0"]
    assert names(tf.global_variables()) == ["my_non_trainable:0"]
    # TF1 (checked against tensorflow.compat.v1): collections=[LOCAL_VARIABLES] alone does not
    # make the variable non-trainable -- the guide's wording suggests otherwise.
    assert names(tf.trainable_variables()) == ["my_local:0"]


def test_device_placement():
    ns = run("""
with tf.device("/device:GPU:1"):
  v = tf.get_variable("v", [1])
""")
    assert ns["v"].name == "v:0"
    assert "GPU:1" in ns["v"].device


def test_replica_device_setter_places_the_variable_on_a_parameter_server():
    ns = run("""
cluster_spec = {
    "ps": ["ps0:2222", "ps1:2222"],
    "worker": ["worker0:2222", "worker1:2222", "worker2:2222"]}
with tf.device(tf.train.replica_device_setter(cluster=cluster_spec)):
  v = tf.get_variable("v", shape=[20, 20])  # this variable is placed
                                            # in the parameter server
                                            # by the replica_device_setter
""")
    assert ns["v"].device == "/job:ps/task:0"  # TF1's string (tests/test_device_placement_vs_tf.py)


def test_initialized_value_with_graph_and_session(capsys):
    # seed 000 cells In[17], In[18], In[21], In[25]: outputs 1.0 and 1.0
    run("""
import numpy as np
graph_tensor = tf.Graph()
with graph_tensor.as_default():
    v = tf.get_variable("v", shape=(), initializer=tf.zeros_initializer())
    w = tf.get_variable("w", initializer=v.initialized_value() + 1)
with tf.Session(graph=graph_tensor) as sess:
    sess.run(tf.global_variables_initializer())
    w = v + 1  # w is a tf.Tensor which is computed based on the value of v.
           # Any time a variable is used in an expression it gets automatically
           # converted to a tf.Tensor representing its value.
    print(sess.run(w))
with tf.Session(graph=graph_tensor) as sess:
    #v = tf.get_variable("var", shape=(), initializer=tf.zeros_initializer())
    assignment = v.assign_add(1)
    sess.run(tf.global_variables_initializer())
    print(sess.run(assignment))  # or assignment.op.run(), or assignment.eval()
""")
    assert capsys.readouterr().out == "1.0\n1.0\n"
    assert tf.global_variables() == []  # everything went into graph_tensor


def test_initialized_value_dependency():
    ns = run("""
v = tf.get_variable("v", shape=(), initializer=tf.zeros_initializer())
w = tf.get_variable("w", initializer=v.initialized_value() + 1)
""")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(ns["w"]) == 1.0


def test_using_variables_and_assign_add():
    ns = run("""
v = tf.get_variable("v", shape=(), initializer=tf.zeros_initializer())
assignment = v.assign_add(1)
with tf.Session() as sess:  # ADDED: the guide assumes a default session `sess`
  tf.global_variables_initializer().run()
  result = sess.run(assignment)  # or assignment.op.run(), or assignment.eval()
""")
    assert ns["result"] == 1.0


def test_read_value_after_assign():
    ns = run("""
v = tf.get_variable("v", shape=(), initializer=tf.zeros_initializer())
assignment = v.assign_add(1)
with tf.control_dependencies([assignment]):
  w = v.read_value()  # w is guaranteed to reflect v's value after the
                      # assign_add operation.
""")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(ns["w"]) == 1.0
        assert sess.run(ns["w"]) == 2.0


CONV_RELU = """
def conv_relu(input, kernel_shape, bias_shape):
    # Create variable named "weights".
    weights = tf.get_variable("weights", kernel_shape,
        initializer=tf.random_normal_initializer())
    # Create variable named "biases".
    biases = tf.get_variable("biases", bias_shape,
        initializer=tf.constant_initializer(0.0))
    conv = tf.nn.conv2d(input, weights,
        strides=[1, 1, 1, 1], padding='SAME')
    return tf.nn.relu(conv + biases)

def my_image_filter(input_images):
    with tf.variable_scope("conv1"):
        # Variables created here will be named "conv1/weights", "conv1/biases".
        relu1 = conv_relu(input_images, [5, 5, 32, 32], [32])
    with tf.variable_scope("conv2"):
        # Variables created here will be named "conv2/weights", "conv2/biases".
        return conv_relu(relu1, [5, 5, 32, 32], [32])

input1 = tf.random_normal([1,10,10,32])
input2 = tf.random_normal([1,20,20,32])
"""


def test_conv_relu_twice_fails():
    with pytest.raises(ValueError, match="Variable weights already exists, disallowed"):
        run(CONV_RELU + """
x = conv_relu(input1, kernel_shape=[5, 5, 32, 32], bias_shape=[32])
x = conv_relu(x, kernel_shape=[5, 5, 32, 32], bias_shape = [32])  # This fails.
""")


MODEL_NAMES = ["model/conv1/weights:0", "model/conv1/biases:0", "model/conv2/weights:0", "model/conv2/biases:0"]


def _check_outputs(ns):
    assert names(tf.global_variables()) == MODEL_NAMES
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        o1, o2 = sess.run([ns["output1"], ns["output2"]])
    assert o1.shape == (1, 10, 10, 32) and o2.shape == (1, 20, 20, 32)
    assert (o1 >= 0).all() and (o2 >= 0).all()


@pytest.mark.parametrize("sharing", [
    """
with tf.variable_scope("model"):
  output1 = my_image_filter(input1)
with tf.variable_scope("model", reuse=True):
  output2 = my_image_filter(input2)
""", """
with tf.variable_scope("model") as scope:
  output1 = my_image_filter(input1)
  scope.reuse_variables()
  output2 = my_image_filter(input2)
""", """
with tf.variable_scope("model") as scope:
  output1 = my_image_filter(input1)
with tf.variable_scope(scope, reuse=True):
  output2 = my_image_filter(input2)
"""], ids=["reuse_true", "reuse_variables", "scope_object"])
def test_sharing_model(sharing):
    _check_outputs(run(CONV_RELU + sharing))


# ===== seed 002: the tf.Variable docstring ================================================

def test_variable_docstring_initializer_and_init_op():
    ns = run("""
w = tf.Variable(tf.ones([2, 2]), name="w")  # FIX: placeholders <initial-value>, <optional-name>
y = tf.matmul(w, tf.ones([2, 2]))           # FIX: "...another variable or tensor..."
z = tf.sigmoid(w + y)
w.assign(w + 1.0)
w.assign_add(tf.ones([2, 2]))  # FIX: assign_add(1.0) on a 2x2 w raises in TF1 too (equal rank)
# Launch the graph in a session.
with tf.Session() as sess:
    # Run the variable initializer.
    sess.run(w.initializer)
    # ...you now can run ops that use the value of 'w'...
    zv = sess.run(z)
# Add an Op to initialize global variables.
init_op = tf.global_variables_initializer()
# Launch the graph in a session.
with tf.Session() as sess:
    # Run the Op that initializes global variables.
    sess.run(init_op)
    # ...you can now run any Op that uses variable values...
    wv = sess.run(w)
""")
    np.testing.assert_allclose(ns["zv"], 1 / (1 + np.exp(-3.0)) * np.ones([2, 2]), rtol=1e-6)
    np.testing.assert_array_equal(ns["wv"], np.ones([2, 2]))
    assert ns["w"].name == "w:0"
    assert tf.global_variables() == tf.trainable_variables() == [ns["w"]]


def test_variable_docstring_set_use_resource():
    ns = run("""
with tf.variable_scope("s"):
    tf.get_variable_scope().set_use_resource(True)
    v = tf.get_variable("v", [1])
""")
    assert ns["v"].name == "s/v:0"
    assert tf.get_variable_scope().use_resource is None
    assert ns["v"].op.type == "VarHandleOp" and ns["v"].dtype == tf.float32
    assert isinstance(ns["v"], tf.Variable) and isinstance(ns["v"], tf.contrib.eager.Variable)


def test_variable_docstring_name_uniquified():
    ns = run("""
a = tf.Variable(1.0)
b = tf.Variable(1.0)
c = tf.Variable(1.0, trainable=False)
""")
    assert [ns[k].name for k in "abc"] == ["Variable:0", "Variable_1:0", "Variable_2:0"]
    assert names(tf.trainable_variables()) == ["Variable:0", "Variable_1:0"]


def test_variable_docstring_cond_on_a_resource_variable_is_determinate():
    # The seed: `tf.cond(v, lambda: v.assign(False), my_false_fn)` is broken with tf.Variable;
    # "replacing tf.Variable with tf.contrib.eager.Variable will fix any nondeterminism
    # issues". With it, the first run reads True and assigns False (the branch returns the
    # variable read after the assign); later runs read False. TF 2.21 compat.v1 gives the same.
    ns = run("""
v = tf.contrib.eager.Variable(True)
my_false_fn = lambda: tf.constant(True)
out = tf.cond(v, lambda: v.assign(False), my_false_fn)
with tf.Session() as sess:
    sess.run(v.initializer)
    outs = [sess.run(out) for _ in range(3)]
    final = sess.run(v)
""")
    assert [bool(o) for o in ns["outs"]] == [False, True, True]
    assert ns["final"] == np.bool_(False)
    assert ns["v"].op.type == "VarHandleOp" and ns["v"].dtype == tf.bool


# ===== seed 003: the sharing variables guide ==============================================

def test_sharing_guide_tf_variable_filter_makes_two_sets():
    ns = run("""
def my_image_filter(input_images):
    conv1_weights = tf.Variable(tf.random_normal([5, 5, 32, 32]),
        name="conv1_weights")
    conv1_biases = tf.Variable(tf.zeros([32]), name="conv1_biases")
    conv1 = tf.nn.conv2d(input_images, conv1_weights,
        strides=[1, 1, 1, 1], padding='SAME')
    relu1 = tf.nn.relu(conv1 + conv1_biases)

    conv2_weights = tf.Variable(tf.random_normal([5, 5, 32, 32]),
        name="conv2_weights")
    conv2_biases = tf.Variable(tf.zeros([32]), name="conv2_biases")
    conv2 = tf.nn.conv2d(relu1, conv2_weights,
        strides=[1, 1, 1, 1], padding='SAME')
    return tf.nn.relu(conv2 + conv2_biases)

image1 = tf.random_normal([1, 8, 8, 32])  # ADDED: the guide's inputs
image2 = tf.random_normal([1, 8, 8, 32])  # ADDED
# First call creates one set of variables.
result1 = my_image_filter(image1)
# Another set is created in the second call.
result2 = my_image_filter(image2)
""")
    assert len(tf.global_variables()) == 8
    assert names(tf.global_variables())[4:] == ["conv1_weights_1:0", "conv1_biases_1:0",
                                                "conv2_weights_1:0", "conv2_biases_1:0"]
    assert ns["result1"].shape.as_list() == [1, 8, 8, 32]


def test_sharing_guide_variables_dict():
    ns = run("""
variables_dict = {
    "conv1_weights": tf.Variable(tf.random_normal([5, 5, 32, 32]),
        name="conv1_weights"),  # FIX: missing comma
    "conv1_biases": tf.Variable(tf.zeros([32]), name="conv1_biases"),  # FIX: missing comma
    # FIX: "... etc. ..." spelled out
    "conv2_weights": tf.Variable(tf.random_normal([5, 5, 32, 32]), name="conv2_weights"),
    "conv2_biases": tf.Variable(tf.zeros([32]), name="conv2_biases"),
}

def my_image_filter(input_images, variables_dict):
    conv1 = tf.nn.conv2d(input_images, variables_dict["conv1_weights"],
        strides=[1, 1, 1, 1], padding='SAME')
    relu1 = tf.nn.relu(conv1 + variables_dict["conv1_biases"])

    conv2 = tf.nn.conv2d(relu1, variables_dict["conv2_weights"],
        strides=[1, 1, 1, 1], padding='SAME')
    return tf.nn.relu(conv2 + variables_dict["conv2_biases"])

image1 = tf.random_normal([1, 8, 8, 32])  # ADDED
image2 = tf.random_normal([1, 8, 8, 32])  # ADDED
# The 2 calls to my_image_filter() now use the same variables
result1 = my_image_filter(image1, variables_dict)
result2 = my_image_filter(image2, variables_dict)
""")
    assert len(tf.global_variables()) == 4
    assert ns["result2"].shape.as_list() == [1, 8, 8, 32]


CONV_RELU_003 = """
def conv_relu(input, kernel_shape, bias_shape):
    # Create variable named "weights".
    weights = tf.get_variable("weights", kernel_shape,
        initializer=tf.random_normal_initializer())
    # Create variable named "biases".
    biases = tf.get_variable("biases", bias_shape,
        initializer=tf.constant_initializer(0.0))  # FIX: constant_intializer
    conv = tf.nn.conv2d(input, weights,
        strides=[1, 1, 1, 1], padding='SAME')
    return tf.nn.relu(conv + biases)

def my_image_filter(input_images):
    with tf.variable_scope("conv1"):
        # Variables created here will be named "conv1/weights", "conv1/biases".
        relu1 = conv_relu(input_images, [5, 5, 32, 32], [32])
    with tf.variable_scope("conv2"):
        # Variables created here will be named "conv2/weights", "conv2/biases".
        return conv_relu(relu1, [5, 5, 32, 32], [32])

image1 = tf.random_normal([1, 8, 8, 32])  # ADDED
image2 = tf.random_normal([1, 8, 8, 32])  # ADDED
"""


def test_sharing_guide_calling_twice_raises():
    with pytest.raises(ValueError, match="conv1/weights already exists"):
        run(CONV_RELU_003 + """
result1 = my_image_filter(image1)
result2 = my_image_filter(image2)
# Raises ValueError(... conv1/weights already exists ...)
""")


def test_sharing_guide_image_filters_reuse_variables():
    ns = run(CONV_RELU_003 + """
with tf.variable_scope("image_filters") as scope:
    result1 = my_image_filter(image1)
    scope.reuse_variables()
    result2 = my_image_filter(image2)
""")
    assert names(tf.global_variables()) == [
        "image_filters/conv1/weights:0", "image_filters/conv1/biases:0",
        "image_filters/conv2/weights:0", "image_filters/conv2/biases:0"]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        r1, r2 = sess.run([ns["result1"], ns["result2"]])
    assert r1.shape == r2.shape == (1, 8, 8, 32)


@pytest.mark.parametrize("code", [
    # case 1: reuse == False creates
    """
with tf.variable_scope("foo"):
    v = tf.get_variable("v", [1])
assert v.name == "foo/v:0"
""",
    # case 2: reuse == True finds
    """
with tf.variable_scope("foo"):
    v = tf.get_variable("v", [1])
with tf.variable_scope("foo", reuse=True):
    v1 = tf.get_variable("v", [1])
assert v1 == v
""",
    # nested scopes
    """
with tf.variable_scope("foo"):
    with tf.variable_scope("bar"):
        v = tf.get_variable("v", [1])
assert v.name == "foo/bar/v:0"
""",
    # reuse_variables()
    """
with tf.variable_scope("foo"):
    v = tf.get_variable("v", [1])
    tf.get_variable_scope().reuse_variables()
    v1 = tf.get_variable("v", [1])
assert v1 == v
""",
    # reuse inherited, never set back to False
    """
with tf.variable_scope("root"):
    # At start, the scope is not reusing.
    assert tf.get_variable_scope().reuse == False
    with tf.variable_scope("foo"):
        # Opened a sub-scope, still not reusing.
        assert tf.get_variable_scope().reuse == False
    with tf.variable_scope("foo", reuse=True):
        # Explicitly opened a reusing scope.
        assert tf.get_variable_scope().reuse == True
        with tf.variable_scope("bar"):
            # Now sub-scope inherits the reuse flag.
            assert tf.get_variable_scope().reuse == True
    # Exited the reusing scope, back to a non-reusing one.
    assert tf.get_variable_scope().reuse == False
""",
    # capturing a scope
    """
with tf.variable_scope("foo") as foo_scope:
    v = tf.get_variable("v", [1])
with tf.variable_scope(foo_scope):  # FIX: missing colon
    w = tf.get_variable("w", [1])
with tf.variable_scope(foo_scope, reuse=True):  # FIX: missing colon
    v1 = tf.get_variable("v", [1])
    w1 = tf.get_variable("w", [1])
assert v1 == v
assert w1 == w
""",
    # re-entering a captured scope jumps out of the current prefix
    """
with tf.variable_scope("foo") as foo_scope:
    assert foo_scope.name == "foo"
with tf.variable_scope("bar"):  # FIX: missing colon
    with tf.variable_scope("baz") as other_scope:
        assert other_scope.name == "bar/baz"
        with tf.variable_scope(foo_scope) as foo_scope2:
            assert foo_scope2.name == "foo"  # Not changed.
""",
    # variable_scope opens a name_scope
    """
with tf.variable_scope("foo"):
    x = 1.0 + tf.get_variable("v", [1])
assert x.op.name == "foo/add"
""",
    # name_scope affects ops only
    """
with tf.variable_scope("foo"):
    with tf.name_scope("bar"):
        v = tf.get_variable("v", [1])
        x = 1.0 + v
assert v.name == "foo/v:0"
assert x.op.name == "foo/bar/add"
""",
], ids=["create", "reuse_true", "nested", "reuse_variables", "reuse_inherited", "capture", "jump_out",
        "opens_name_scope", "name_scope_ops_only"])
def test_sharing_guide_asserts(code):
    run(code)


def test_sharing_guide_initializers_in_scope():
    # The guide calls v.eval() with no session and uninitialized variables (an error in TF1
    # too); the ADDED lines provide both. Expected values are the guide's 0.4 / 0.3 / 0.4 / 0.2.
    sess = tf.InteractiveSession()
    try:
        run("""
with tf.variable_scope("foo", initializer=tf.constant_initializer(0.4)):
    v = tf.get_variable("v", [1])
    v.initializer.run()  # ADDED
    assert v.eval() == 0.4  # Default initializer as set above.
    w = tf.get_variable("w", [1], initializer=tf.constant_initializer(0.3))  # FIX: stray colon
    w.initializer.run()  # ADDED
    assert w.eval() == 0.3  # Specific initializer overrides the default.
    with tf.variable_scope("bar"):
        v = tf.get_variable("v", [1])
        v.initializer.run()  # ADDED
        assert v.eval() == 0.4  # Inherited default initializer.
    with tf.variable_scope("baz", initializer=tf.constant_initializer(0.2)):
        v = tf.get_variable("v", [1])
        v.initializer.run()  # ADDED
        assert v.eval() == 0.2  # Changed default initializer.
""")
    finally:
        sess.close()


def test_sharing_guide_reenter_opens_fresh_name_scope():
    # The guide says re-entering a captured scope does not change the name scope for ops; TF 1.15
    # (and tfvars_jax) open a name scope named after the scope inside the current one.
    ns = run("""
with tf.variable_scope("foo") as foo_scope:
    pass
with tf.variable_scope("bar"):
    with tf.variable_scope(foo_scope):
        x = 1.0 + tf.get_variable("v", [1])
""")
    assert ns["x"].op.name == "bar/foo/add"


# ===== seed 004: collections and initialization notes =====================================

def test_notes_eval_with_explicit_and_default_session(capsys):
    run("""
v = tf.Variable([1, 2])
init = tf.global_variables_initializer()

with tf.Session() as sess:
    sess.run(init)
    # Usage passing the session explicitly.
    print(v.eval(sess))
    # Usage with the default session.  The 'with' block
    # above makes 'sess' the default session.
    print(v.eval())
""")
    assert capsys.readouterr().out == "[1 2]\n[1 2]\n"


def test_notes_initialized_value():
    ns = run("""
# Initialize 'v' with a random tensor.
v = tf.Variable(tf.truncated_normal([10, 40]))
# Use `initialized_value` to guarantee that `v` has been
# initialized before its value is used to initialize `w`.
# The random values are picked only once.
w = tf.Variable(v.initialized_value() * 2.0)
""")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        v, w = sess.run([ns["v"], ns["w"]])
    np.testing.assert_allclose(w, 2 * v)
    assert np.abs(v).max() <= 2.0  # truncated at two stddevs


def test_notes_load(capsys):
    run("""
v = tf.Variable([1, 2])
init = tf.global_variables_initializer()

with tf.Session() as sess:
    sess.run(init)
    # Usage passing the session explicitly.
    v.load([2, 3], sess)
    print(v.eval(sess)) # prints [2 3]
    # Usage with the default session.  The 'with' block
    # above makes 'sess' the default session.
    v.load([3, 4], sess)
    print(v.eval()) # prints [3 4]
""")
    assert capsys.readouterr().out == "[2 3]\n[3 4]\n"


def test_notes_string_variable_example(capsys):
    ns = run("""
w = tf.Variable('a', trainable=True)
w1  = tf.Variable(w.initialized_value())

sess = tf.Session()
init = tf.global_variables_initializer()
sess.run(init)
print(sess.run(w))  # FIX: Python 2 print statement
print(sess.run(w1))  # FIX: Python 2 print statement
g = sess.run(tf.global_variables()) ## 返回全局变量的 list
t = sess.run(tf.trainable_variables()) ## 返回可训练变量的 list
""")
    assert capsys.readouterr().out == "b'a'\nb'a'\n"
    assert ns["g"] == [b"a", b"a"] and ns["t"] == [b"a", b"a"]


def test_notes_collections_and_initializers():
    a = tf.Variable(1.0, name="a")
    b = tf.Variable(2.0, name="b", trainable=False)
    loc = tf.Variable(3.0, name="loc", collections=[tf.GraphKeys.LOCAL_VARIABLES])
    m = tf.Variable(4.0, name="m", collections=[tf.GraphKeys.GLOBAL_VARIABLES, tf.GraphKeys.MODEL_VARIABLES])
    assert tf.global_variables() == [a, b, m]
    assert tf.trainable_variables() == [a, loc, m]
    assert tf.local_variables() == [loc]
    assert tf.model_variables() == [m]
    assert tf.moving_average_variables() == []
    with tf.Session() as sess:
        assert sorted(x.decode() for x in sess.run(tf.report_uninitialized_variables())) == ["a", "b", "loc", "m"]
        sess.run(tf.variables_initializer([a], name="init"))
        assert sess.run(tf.is_variable_initialized(a)) and not sess.run(tf.is_variable_initialized(b))
        sess.run(tf.global_variables_initializer())
        assert [x.decode() for x in sess.run(tf.report_uninitialized_variables())] == ["loc"]
        sess.run(tf.local_variables_initializer())
        assert len(sess.run(tf.report_uninitialized_variables())) == 0
        sess.run(tf.assert_variables_initialized())
        assert sess.run([a, b, loc, m]) == [1.0, 2.0, 3.0, 4.0]


@pytest.mark.parametrize("code, collection, name", [
    ("v = tf.contrib.framework.local_variable([1.0])", tf.GraphKeys.LOCAL_VARIABLES, "Variable:0"),
    ("v = tf.contrib.framework.model_variable('m', shape=[1])", tf.GraphKeys.MODEL_VARIABLES, "m:0"),
    ("v = tf.contrib.framework.get_or_create_global_step()", tf.GraphKeys.GLOBAL_STEP, "global_step:0"),
])
def test_notes_contrib_framework(code, collection, name):
    v = run(code)["v"]
    assert v.name == name and tf.get_collection(collection) == [v]
