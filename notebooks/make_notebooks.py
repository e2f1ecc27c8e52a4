"""Generate (and execute) the tfvars_jax walkthrough notebooks.

    .venv/bin/python notebooks/make_notebooks.py            # write + execute + save outputs
    .venv/bin/python notebooks/make_notebooks.py --no-run   # write only

01_variables.ipynb follows the TF1 "Variables" guide; 02_sharing_variables.ipynb follows the
"Sharing variables" guide. Every code cell runs on tfvars_jax (`import tfvars_jax as tf`).
Cells tagged `raises-exception` demonstrate an error on purpose (nbclient lets them fail);
tests/test_notebooks.py checks that no other cell errors.
"""
import argparse
import functools
import os
import sys

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = os.path.dirname(os.path.abspath(__file__))

SETUP = """\
# Setup: run this first. tfvars_jax stands in for TensorFlow 1.x.
import os, sys
# Make the notebook runnable from a checkout: the repo root is the parent of notebooks/.
sys.path.insert(0, os.path.abspath(".."))
import numpy as np
import tfvars_jax as tf   # behaves like `import tensorflow.compat.v1 as tf` + disable_v2_behavior()
tf.reset_default_graph()
print(tf.__name__)"""


def md(text):
    return new_markdown_cell(text.strip("\n"))


def code(text, raises=False):
    cell = new_code_cell(text.strip("\n"))
    if raises:
        cell.metadata["tags"] = ["raises-exception"]
    return cell


def variables_notebook():
    cells = [
        code(SETUP),
        md("""
# Variables (TF1) with tfvars_jax

A walk through the TensorFlow 1.x *Variables* guide, run on **tfvars_jax** — TF1's variable
system rebuilt on JAX. `import tfvars_jax as tf` behaves like
`import tensorflow.compat.v1 as tf` after `tf.disable_v2_behavior()`: graphs, `tf.Variable`,
`tf.get_variable`, collections, initializers and `tf.Session`.

A variable is the best way to represent shared, persistent state manipulated by your
program. Unlike a `tf.Tensor`, a `tf.Variable` exists outside the context of a single
`session.run` call, and its value can be changed by running ops on it.

(The first cell above puts the repository root on `sys.path`, so the notebook runs from a
checkout without installing the package.)
"""),
        md("""
## Creating a variable

The best way to create a variable is `tf.get_variable`, which needs a name and a shape. By
default the variable is `float32` and its initial value comes from
`tf.glorot_uniform_initializer` (uniform in ±sqrt(6 / (fan_in + fan_out))).
"""),
        code("""
my_variable = tf.get_variable("my_variable", [1, 2, 3])
print(my_variable)
print(my_variable.name, my_variable.shape, my_variable.dtype.base_dtype)
"""),
        md("You may also give a `dtype` and an initializer (an initializer class or instance both work):"),
        code("""
my_int_variable = tf.get_variable("my_int_variable", [1, 2, 3], dtype=tf.int32,
  initializer=tf.zeros_initializer)
print(my_int_variable.name, my_int_variable.dtype.base_dtype)
"""),
        md("""
Or initialize from a `tf.Tensor`. Then the variable takes the tensor's shape, so you must not
pass a shape.
"""),
        code("""
other_variable = tf.get_variable("other_variable", dtype=tf.int32,
  initializer=tf.constant([23, 42]))
print(other_variable.name, other_variable.shape)
"""),
        md("""
### Re-running a cell that creates variables

Variable names live in the default graph. Running the creating cell a second time asks
`get_variable` to create `my_variable` again, which TF1 refuses. The error message says what
to do: reset the graph with `tf.reset_default_graph()` first, or open the scope with
`reuse=tf.AUTO_REUSE`.
"""),
        code("""
my_variable = tf.get_variable("my_variable", [1, 2, 3])   # the same cell, run again
""", raises=True),
        code("""
tf.reset_default_graph()          # forget every variable and op of the old graph
my_variable = tf.get_variable("my_variable", [1, 2, 3])
my_int_variable = tf.get_variable("my_int_variable", [1, 2, 3], dtype=tf.int32,
  initializer=tf.zeros_initializer)
other_variable = tf.get_variable("other_variable", dtype=tf.int32,
  initializer=tf.constant([23, 42]))
print([v.name for v in tf.global_variables()])
"""),
        md("""
## Variable collections

Collections are named lists in the graph. By default every variable goes into
`tf.GraphKeys.GLOBAL_VARIABLES` and `tf.GraphKeys.TRAINABLE_VARIABLES`. A variable can be put
into `LOCAL_VARIABLES` instead, or made non-trainable with `trainable=False`.
"""),
        code("""
my_local = tf.get_variable("my_local", shape=(),
collections=[tf.GraphKeys.LOCAL_VARIABLES])
my_non_trainable = tf.get_variable("my_non_trainable",
                                   shape=(),
                                   trainable=False)
print("local:    ", [v.name for v in tf.local_variables()])
print("trainable:", [v.name for v in tf.trainable_variables()])
"""),
        md("""
Note a TF1 quirk (tfvars_jax reproduces it, and it is checked against real TensorFlow):
`collections=[LOCAL_VARIABLES]` does **not** make `my_local` non-trainable — it is still
in `TRAINABLE_VARIABLES` because `trainable` defaults to `True`. Pass `trainable=False` as
well if you want a truly local, untrained variable.

Any string is a valid collection name:
"""),
        code("""
tf.add_to_collection("my_collection_name", my_local)
tf.get_collection("my_collection_name")
"""),
        md("""
## Device placement

Like any op, a variable can be placed on a device. Device strings name this process's JAX
devices (`/cpu:N`, `/gpu:N`, `/tpu:N`); as in TF1 a device that does not exist raises
`InvalidArgumentError` when the graph runs, unless the session allows soft placement:
"""),
        code("""
with tf.Graph().as_default():   # a graph of its own: the cells below run on this machine
  with tf.device("/device:GPU:1"):
    v = tf.get_variable("v", [1], initializer=tf.ones_initializer())
  print(v.device)
  with tf.Session(config=tf.ConfigProto(allow_soft_placement=True)) as sess:
    sess.run(v.initializer)   # no second GPU here: v falls back to the default device
    print(sess.run(v))
"""),
        md("""
`tf.train.replica_device_setter` places variables on parameter servers as TF1 does. A plain
Session has no `ps` job (TF1's error again); `tfvars_jax.sharding.local_cluster` runs each
task of the cluster on a device of this process:
"""),
        code("""
from tfvars_jax import sharding
cluster_spec = {"ps": ["ps0:2222", "ps1:2222"], "worker": ["worker0:2222"]}
with tf.Graph().as_default():
  with tf.device(tf.train.replica_device_setter(cluster=cluster_spec)):
    w = tf.get_variable("w", shape=[2, 2], initializer=tf.zeros_initializer())
  print(w.device)
  with sharding.local_cluster(cluster_spec):
    sess = tf.Session()
  sess.run(w.initializer)
  print(sess.run(w))
  sess.close()
"""),
        md("""
## Initializing variables

Variables must be initialized before use. `tf.global_variables_initializer()` returns one op
that initializes everything in `GLOBAL_VARIABLES` (`tf.local_variables_initializer()` does
`LOCAL_VARIABLES`). `tf.report_uninitialized_variables()` lists what is still uninitialized.
"""),
        code("""
session = tf.Session()
print(session.run(tf.report_uninitialized_variables()))
session.run(tf.global_variables_initializer())
# Now all variables are initialized.
session.run(my_variable.initializer)
print(session.run(tf.report_uninitialized_variables()))
"""),
        md("Only the local variable is left; initialize it too:"),
        code("""
session.run(tf.local_variables_initializer())
print(session.run(tf.report_uninitialized_variables()))
values = session.run(my_variable)
bound = np.sqrt(6.0 / (2 + 3))   # glorot bound for shape [1, 2, 3]: fan_in 2, fan_out 3
print(values)
print("within the glorot bound:", bool(np.all(np.abs(values) <= bound)))
print(session.run([my_int_variable, other_variable]))
session.close()
"""),
        md("""
When a variable's initial value depends on another variable, use `initialized_value()` so the
initializers run in the right order. This section builds its own graph, `graph_tensor`:
"""),
        code("""
graph_tensor = tf.Graph()
with graph_tensor.as_default():
    v = tf.get_variable("v", shape=(), initializer=tf.zeros_initializer())
    w = tf.get_variable("w", initializer=v.initialized_value() + 1)
with tf.Session(graph=graph_tensor) as sess:
    sess.run(tf.global_variables_initializer())
    print(sess.run([v, w]))
"""),
        md("""
## Using variables

A variable is used like a tensor; in an expression it is converted to a tensor holding its
value. (A `tf.Session(graph=...)` used as a context manager also makes its graph the default.)
"""),
        code("""
with tf.Session(graph=graph_tensor) as sess:
    sess.run(tf.global_variables_initializer())
    w = v + 1  # w is a tf.Tensor which is computed based on the value of v.
    print(sess.run(w))
"""),
        md("To assign a value, use `assign`, `assign_add` and friends:"),
        code("""
with tf.Session(graph=graph_tensor) as sess:
    assignment = v.assign_add(1)
    sess.run(tf.global_variables_initializer())
    print(sess.run(assignment))  # or assignment.op.run(), or assignment.eval()
    print(sess.run(assignment))
"""),
        md("To force a re-read of a variable after something happened, use `read_value()` under a control dependency:"),
        code("""
tf.reset_default_graph()
v = tf.get_variable("v", shape=(), initializer=tf.zeros_initializer())
assignment = v.assign_add(1)
with tf.control_dependencies([assignment]):
  w = v.read_value()  # w reflects v's value after the assign_add operation.
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print(sess.run(w), sess.run(w), sess.run(w))
"""),
        md("""
## Sharing variables

Variables can be shared by passing `tf.Variable` objects around explicitly, or implicitly
with `tf.variable_scope` + `tf.get_variable`. The next notebook,
`02_sharing_variables.ipynb`, walks through the second way; here is the short version:
"""),
        code("""
tf.reset_default_graph()
def dense(x):
    w = tf.get_variable("w", [3, 2], initializer=tf.ones_initializer())
    return tf.matmul(x, w)

x = tf.ones([1, 3])
with tf.variable_scope("model") as scope:
    y1 = dense(x)
    scope.reuse_variables()
    y2 = dense(x)
print([v.name for v in tf.global_variables()])
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print(sess.run([y1, y2]))
"""),
    ]
    return cells


def sharing_notebook():
    cells = [
        code(SETUP),
        md("""
# Sharing variables (TF1) with tfvars_jax

A walk through the TensorFlow 1.x *Sharing variables* guide on **tfvars_jax**. It shows how
`tf.variable_scope()` and `tf.get_variable()` let functions create variables implicitly and
share them. (The first cell makes the notebook runnable from a checkout.)
"""),
        md("""
## The problem

An image filter written with `tf.Variable` creates its four variables on every call, so
calling it for two images gives two unrelated sets of weights.
"""),
        code("""
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

image1 = tf.random_normal([1, 8, 8, 32])
image2 = tf.random_normal([1, 8, 8, 32])
# First call creates one set of variables.
result1 = my_image_filter(image1)
# Another set is created in the second call.
result2 = my_image_filter(image2)
for v in tf.global_variables():
    print(v.name)
"""),
        md("""
One fix is to create the variables elsewhere and pass them in (here: a dict). It works, but
breaks encapsulation: the caller must know every variable's name, type and shape.
"""),
        code("""
tf.reset_default_graph()
variables_dict = {
    "conv1_weights": tf.Variable(tf.random_normal([5, 5, 32, 32]), name="conv1_weights"),
    "conv1_biases": tf.Variable(tf.zeros([32]), name="conv1_biases"),
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

image1 = tf.random_normal([1, 8, 8, 32])
image2 = tf.random_normal([1, 8, 8, 32])
# The 2 calls to my_image_filter() now use the same variables
result1 = my_image_filter(image1, variables_dict)
result2 = my_image_filter(image2, variables_dict)
print(len(tf.global_variables()), "variables")
"""),
        md("""
## Variable scope example

The variable scope mechanism has two parts:

* `tf.get_variable(<name>, <shape>, <initializer>)` creates or returns a variable with a given name;
* `tf.variable_scope(<scope_name>)` manages the namespace for names passed to `tf.get_variable()`.

Initializers include `tf.constant_initializer(value)`, `tf.random_uniform_initializer(a, b)`
and `tf.random_normal_initializer(mean, stddev)`.
"""),
        code("""
tf.reset_default_graph()

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

image1 = tf.random_normal([1, 8, 8, 32])
image2 = tf.random_normal([1, 8, 8, 32])
"""),
        md("Calling `my_image_filter()` twice now fails: `get_variable` will not silently create or share `conv1/weights`."),
        code("""
result1 = my_image_filter(image1)
result2 = my_image_filter(image2)
# Raises ValueError(... conv1/weights already exists ...)
""", raises=True),
        md("To share, say so with `reuse_variables()`:"),
        code("""
tf.reset_default_graph()
image1 = tf.random_normal([1, 8, 8, 32])
image2 = tf.random_normal([1, 8, 8, 32])
with tf.variable_scope("image_filters") as scope:
    result1 = my_image_filter(image1)
    scope.reuse_variables()
    result2 = my_image_filter(image2)
for v in tf.global_variables():
    print(v.name, v.shape)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    r1, r2 = sess.run([result1, result2])
print(r1.shape, r2.shape)
"""),
        md("""
## How does variable scope work?

### Understanding `tf.get_variable()`

* **Case 1**: the scope is set to create new variables (`tf.get_variable_scope().reuse == False`).
  The full name is the current scope name + the given name; if it already exists, `ValueError`.
* **Case 2**: the scope is set to reuse (`reuse == True`). The variable must already exist
  (made by `get_variable`), otherwise `ValueError`.
"""),
        code("""
tf.reset_default_graph()
with tf.variable_scope("foo"):
    v = tf.get_variable("v", [1])
assert v.name == "foo/v:0"
with tf.variable_scope("foo", reuse=True):
    v1 = tf.get_variable("v", [1])
assert v1 == v
print(v.name, v1 is v)
"""),
        code("""
with tf.variable_scope("foo", reuse=True):
    tf.get_variable("missing", [1])
""", raises=True),
        md("`reuse=tf.AUTO_REUSE` creates the variable the first time and reuses it afterwards:"),
        code("""
def shared_bias():
    with tf.variable_scope("auto", reuse=tf.AUTO_REUSE):
        return tf.get_variable("b", [1])
print(shared_bias() is shared_bias(), [v.name for v in tf.global_variables()])
"""),
        md("""
### Basics of `tf.variable_scope()`

Nested scopes append their names like directories. `tf.get_variable_scope()` returns the
current scope, and `reuse_variables()` switches it to reusing.
"""),
        code("""
tf.reset_default_graph()
with tf.variable_scope("foo"):
    with tf.variable_scope("bar"):
        v = tf.get_variable("v", [1])
assert v.name == "foo/bar/v:0"

with tf.variable_scope("foo"):
    v = tf.get_variable("v", [1])
    tf.get_variable_scope().reuse_variables()
    v1 = tf.get_variable("v", [1])
assert v1 == v
print(v.name, v1.name)
"""),
        md("""
You cannot set `reuse` back to `False` inside a reusing scope: reuse is inherited by all
sub-scopes (`reuse=False` on a sub-scope means "inherit"). Leaving the reusing scope gets
you back to a non-reusing one.
"""),
        code("""
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
print("all reuse asserts hold")
"""),
        md("""
### Capturing a variable scope

Instead of repeating a scope's name you can keep the scope object and re-enter it.
"""),
        code("""
tf.reset_default_graph()
with tf.variable_scope("foo") as foo_scope:
    v = tf.get_variable("v", [1])
with tf.variable_scope(foo_scope):
    w = tf.get_variable("w", [1])
with tf.variable_scope(foo_scope, reuse=True):
    v1 = tf.get_variable("v", [1])
    w1 = tf.get_variable("w", [1])
assert v1 == v
assert w1 == w
print(v1.name, w1.name)
"""),
        md("Re-entering a captured scope jumps out of the current scope prefix:"),
        code("""
with tf.variable_scope("foo") as foo_scope:
    assert foo_scope.name == "foo"
with tf.variable_scope("bar"):
    with tf.variable_scope("baz") as other_scope:
        assert other_scope.name == "bar/baz"
        with tf.variable_scope(foo_scope) as foo_scope2:
            assert foo_scope2.name == "foo"  # Not changed.
            x = 1.0 + tf.get_variable("x", [1])
print(foo_scope2.name, x.op.name)
"""),
        md("""
Note the op name `bar/baz/foo/add`: the guide (written for an older TF) says re-entering a
scope object does not change the name scope of ops, but TF 1.15 opens a fresh name scope
named after the scope inside the current one — tfvars_jax follows TF 1.15.

### Default names

`tf.variable_scope(None, default_name=...)` uniquifies the name:
"""),
        code("""
for _ in range(3):
    with tf.variable_scope(None, default_name="default") as s:
        print(s.name)
"""),
        md("""
### Initializers in variable scope

A scope can carry a default initializer; sub-scopes inherit it and an explicit initializer
overrides it.
"""),
        code("""
tf.reset_default_graph()
sess = tf.InteractiveSession()
with tf.variable_scope("foo", initializer=tf.constant_initializer(0.4)):
    v = tf.get_variable("v", [1])
    v.initializer.run()
    assert v.eval() == 0.4  # Default initializer as set above.
    print("foo/v    ", v.eval())
    w = tf.get_variable("w", [1], initializer=tf.constant_initializer(0.3))
    w.initializer.run()
    assert w.eval() == 0.3  # Specific initializer overrides the default.
    print("foo/w    ", w.eval())
    with tf.variable_scope("bar"):
        v = tf.get_variable("v", [1])
        v.initializer.run()
        assert v.eval() == 0.4  # Inherited default initializer.
        print("foo/bar/v", v.eval())
    with tf.variable_scope("baz", initializer=tf.constant_initializer(0.2)):
        v = tf.get_variable("v", [1])
        v.initializer.run()
        assert v.eval() == 0.2  # Changed default initializer.
        print("foo/baz/v", v.eval())
sess.close()
"""),
        md("""
### Names of ops in `tf.variable_scope()`

`with tf.variable_scope("name")` implicitly opens `tf.name_scope("name")`, so ops get the
scope's prefix. A `tf.name_scope` opened inside only affects ops, not variables made with
`get_variable`.
"""),
        code("""
tf.reset_default_graph()
with tf.variable_scope("foo"):
    x = 1.0 + tf.get_variable("v", [1])
assert x.op.name == "foo/add"
print(x.op.name)
"""),
        code("""
tf.reset_default_graph()
with tf.variable_scope("foo"):
    with tf.name_scope("bar"):
        v = tf.get_variable("v", [1])
        x = 1.0 + v
assert v.name == "foo/v:0"
assert x.op.name == "foo/bar/add"
print(v.name, x.op.name)
"""),
        md("""
## Examples of use

Variable scopes are used heavily by recurrent networks and sequence-to-sequence models (the
original guide points to `models/rnn/rnn_cell.py` and `models/rnn/seq2seq.py`), where one
cell's weights are reused at every time step — exactly the `reuse_variables()` pattern
above.
"""),
    ]
    return cells


NOTEBOOKS = {"01_variables.ipynb": variables_notebook, "02_sharing_variables.ipynb": sharing_notebook}


def notebook(cells):
    """A notebook of `cells` for the venv's python3 kernel (shared by make_notebook_03.py)."""
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def build(name):
    return notebook(NOTEBOOKS[name]())


def execute(nb, timeout=120):
    from nbclient import NotebookClient
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": HERE}})
    client.execute()
    return nb


def write_notebooks(builders, doc, argv=None, execute_fn=execute):
    """The command line of a notebook generator (this file and make_notebook_0N.py): builds each
    notebook of `builders` ({file name: function returning the notebook}), executes it unless
    `--no-run`, and writes it next to this file."""
    parser = argparse.ArgumentParser(description=doc)
    parser.add_argument("--no-run", action="store_true",
                        help="write the notebooks without executing them")
    args = parser.parse_args(argv)
    for name, build_fn in builders.items():
        nb = build_fn()
        if not args.no_run:
            execute_fn(nb)
        path = os.path.join(HERE, name)
        nbformat.write(nb, path)
        print("wrote", path, file=sys.stderr)


def single_notebook(name, cells, doc, timeout=300):
    """`(build, execute, main)` of a generator writing the one notebook `name` from `cells()`
    (make_notebook_0N.py): `build()` returns it, `execute(nb)` runs it with `timeout`
    seconds per cell, `main(argv)` is the command line of `write_notebooks`."""
    def build_one():
        return notebook(cells())

    def execute_one(nb):
        return execute(nb, timeout=timeout)

    def main_one(argv=None):
        write_notebooks({name: build_one}, doc, argv, execute_one)
    return build_one, execute_one, main_one


def main(argv=None):
    write_notebooks({name: functools.partial(build, name) for name in NOTEBOOKS}, __doc__, argv)


if __name__ == "__main__":
    main()
