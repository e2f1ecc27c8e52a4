"""The graph-mode core: Graph, default graphs, op naming, name scopes, control dependencies,
devices, collections, Tensor properties, TensorShape/Dimension and dtypes.

Every expectation here is TF1's (checked against `tensorflow.compat.v1` with
`disable_v2_behavior()`).
"""
import gc

import numpy as np
import pytest

import tfvars_jax as tf
from tfvars_jax.framework import dtypes as dtypes_lib


# ----- default graph ------------------------------------------------------------------------
def test_default_graph_is_stable_and_reset_replaces_it():
    g1 = tf.get_default_graph()
    assert tf.get_default_graph() is g1
    c = tf.constant(1.0)
    assert c.graph is g1
    tf.reset_default_graph()
    g2 = tf.get_default_graph()
    assert g2 is not g1
    assert g2.get_operations() == []
    assert [op.name for op in g1.get_operations()] == ["Const"]


def test_as_default_nests_and_restores():
    outer = tf.get_default_graph()
    g1, g2 = tf.Graph(), tf.Graph()
    with g1.as_default() as entered:
        assert entered is g1
        assert tf.get_default_graph() is g1
        with g2.as_default():
            assert tf.get_default_graph() is g2
            c2 = tf.constant(2)
        assert tf.get_default_graph() is g1
        c1 = tf.constant(1)
    assert tf.get_default_graph() is outer
    assert c1.graph is g1 and c2.graph is g2
    assert [op.name for op in g1.get_operations()] == ["Const"]
    assert [op.name for op in g2.get_operations()] == ["Const"]
    assert outer.get_operations() == []


def test_reset_default_graph_inside_as_default_raises_assertion_error():
    g = tf.Graph()
    with g.as_default():
        with pytest.raises(AssertionError, match="nested graphs"):
            tf.reset_default_graph()
    with tf.get_default_graph().as_default():
        with pytest.raises(AssertionError):
            tf.reset_default_graph()
    tf.reset_default_graph()  # fine again outside


def test_finalize_makes_adding_ops_raise_runtime_error():
    g = tf.Graph()
    with g.as_default():
        a = tf.constant(1.0)
        assert not g.finalized
        g.finalize()
        assert g.finalized
        with pytest.raises(RuntimeError, match="finalized"):
            tf.constant(2.0)
        with pytest.raises(RuntimeError, match="finalized"):
            a + 1.0  # noqa: B018
        with pytest.raises(RuntimeError, match="finalized"):
            tf.Variable(1.0)
    assert [op.name for op in g.get_operations()] == ["Const"]
    # A finalized graph still runs.
    with tf.Session(graph=g) as sess:
        assert sess.run(a) == 1.0


def test_get_operations_in_creation_order():
    a = tf.constant(1.0, name="a")
    b = tf.constant(2.0, name="b")
    c = tf.add(a, b, name="c")
    tf.negative(c, name="d")
    names = [op.name for op in tf.get_default_graph().get_operations()]
    assert names == ["a", "b", "c", "d"]
    # The returned list is a copy.
    ops = tf.get_default_graph().get_operations()
    ops.clear()
    assert len(tf.get_default_graph().get_operations()) == 4


def test_get_operation_and_tensor_by_name():
    g = tf.get_default_graph()
    with tf.name_scope("s"):
        c = tf.constant([1, 2], name="c")
    assert g.get_operation_by_name("s/c") is c.op
    assert g.get_tensor_by_name("s/c:0") is c
    assert g.as_graph_element("s/c:0") is c
    assert g.as_graph_element("s/c") is c.op
    v = tf.Variable(1.0, name="v")
    assert g.get_tensor_by_name("v:0") is v.op.outputs[0]
    assert g.as_graph_element(v) is v.op.outputs[0]


def test_get_operation_by_name_errors():
    g = tf.get_default_graph()
    tf.constant(1, name="c")
    with pytest.raises(KeyError, match="refers to an Operation not in the graph"):
        g.get_operation_by_name("nope")
    with pytest.raises(TypeError, match="not int"):
        g.get_operation_by_name(1)


def test_get_operation_by_name_with_tensor_name_raises_value_error():
    g = tf.get_default_graph()
    tf.constant(1, name="c")
    with pytest.raises(ValueError, match="appears to refer to a Tensor"):
        g.get_operation_by_name("c:0")


def test_get_tensor_by_name_errors():
    g = tf.get_default_graph()
    tf.constant(1, name="c")
    with pytest.raises(ValueError, match="Tensor names must be of the form"):
        g.get_tensor_by_name("c")
    with pytest.raises(KeyError, match="The operation, 'nope', does not exist in the graph"):
        g.get_tensor_by_name("nope:0")
    with pytest.raises(KeyError, match="only has 1 outputs"):
        g.get_tensor_by_name("c:1")
    with pytest.raises(TypeError):
        g.get_tensor_by_name(3)


def test_element_of_another_graph_is_rejected():
    other = tf.Graph()
    with other.as_default():
        c = tf.constant(1)
    with pytest.raises(ValueError, match="not an element of this graph"):
        tf.get_default_graph().as_graph_element(c)


# ----- op naming ------------------------------------------------------------------------------
def test_op_names_are_uniquified():
    a = tf.constant(1.0)
    b = tf.constant(2.0)
    c = tf.constant(3.0, name="Const")
    assert [a.op.name, b.op.name, c.op.name] == ["Const", "Const_1", "Const_2"]
    assert (a + b).op.name == "add"
    assert (a + b).op.name == "add_1"
    # Uniqueness is case-insensitive: "add" and "add_1" are taken, so "Add" becomes "Add_2".
    assert tf.add(a, b).op.name == "Add_2"
    assert tf.add(a, b, name="add").op.name == "add_3"
    assert tf.subtract(a, b).op.name == "Sub"
    assert a.name == "Const:0"


def test_op_names_are_unique_case_insensitively():
    tf.constant(1, name="add")
    t = tf.constant(1, name="Add")
    assert t.op.name == "Add_1"
    u = tf.constant(1, name="add_1")
    assert u.op.name == "add_1_1"


def test_explicit_name_is_honoured_and_uniquified():
    x = tf.constant([1.0, 2.0], name="x")
    y = tf.multiply(x, 2.0, name="double")
    z = tf.multiply(x, 3.0, name="double")
    assert y.op.name == "double"
    assert z.op.name == "double_1"
    assert tf.identity(x, name="out").name == "out:0"


def test_graph_unique_name():
    g = tf.get_default_graph()
    assert g.unique_name("foo") == "foo"
    assert g.unique_name("foo") == "foo_1"
    assert g.unique_name("foo", mark_as_used=False) == "foo_2"
    assert g.unique_name("foo", mark_as_used=False) == "foo_2"
    with g.name_scope("s"):
        assert g.unique_name("foo") == "s/foo"


# ----- name scopes ------------------------------------------------------------------------
def test_name_scope_nesting_and_uniquifying():
    with tf.name_scope("foo") as s:
        assert s == "foo/"
        a = tf.constant(1, name="c")
        with tf.name_scope("bar") as s2:
            assert s2 == "foo/bar/"
            b = tf.constant(1, name="c")
            assert tf.get_default_graph().get_name_scope() == "foo/bar"
    with tf.name_scope("foo") as s3:
        assert s3 == "foo_1/"
        c = tf.constant(1)
    assert a.name == "foo/c:0"
    assert b.name == "foo/bar/c:0"
    assert c.name == "foo_1/Const:0"
    assert tf.get_default_graph().get_name_scope() == ""


def test_name_scope_none_and_empty_reset_to_top():
    with tf.name_scope("foo"):
        with tf.name_scope(None) as s:
            assert s == ""
            a = tf.constant(1, name="c")
        with tf.name_scope("") as s:
            assert s == ""
            b = tf.constant(1, name="c")
    assert a.name == "c:0"
    assert b.name == "c_1:0"


def test_name_scope_trailing_slash_reenters_exactly():
    with tf.name_scope("foo") as foo:
        tf.constant(1, name="c")
    with tf.name_scope(foo) as s:
        assert s == "foo/"
        c = tf.constant(1, name="c")
    with tf.name_scope("foo/bar/"):
        d = tf.constant(1)
    with tf.name_scope("foo"):
        with tf.name_scope("foo/"):  # absolute, not nested
            e = tf.constant(1, name="e")
    assert c.name == "foo/c_1:0"
    assert d.name == "foo/bar/Const:0"
    assert e.name == "foo/e:0"


def test_name_scope_default_name_and_values():
    a = tf.constant(1)
    with tf.name_scope("given", "default", [a]) as s:
        assert s == "given/"
    with tf.name_scope(None, "default", [a]) as s:
        assert s == "default/"
    with tf.name_scope(None, "default", [a]) as s:
        assert s == "default_1/"


def test_name_scope_with_values_opens_in_their_graph():
    other = tf.Graph()
    with other.as_default():
        b = tf.constant(1)
    with tf.name_scope("in_other", values=[b]) as s:
        assert s == "in_other/"
        assert other.get_name_scope() == "in_other"


def test_name_scope_with_values_makes_their_graph_the_default():
    other = tf.Graph()
    with other.as_default():
        b = tf.constant(1)
    with tf.name_scope(None, "scope", [b]):
        assert tf.get_default_graph() is other
        c = tf.constant(2)
    assert c.graph is other and c.name == "scope/Const:0"


def test_name_scope_invalid_names():
    with pytest.raises(ValueError, match="not a valid"):
        with tf.name_scope("bad name"):
            pass
    with pytest.raises(ValueError, match="not a valid"):
        with tf.name_scope("_x"):
            pass
    with tf.name_scope("a"):
        with tf.name_scope("_b") as s:  # a nested scope may start with "_"
            assert s == "a/_b/"


def test_op_names_inside_scopes():
    x = tf.constant(1.0)
    with tf.name_scope("foo"):
        y = x + 1.0
        z = x * 2.0
        w = x + 1.0
    assert y.op.name == "foo/add"
    assert z.op.name == "foo/mul"
    assert w.op.name == "foo/add_1"


# ----- control dependencies ---------------------------------------------------------------
def test_control_dependencies_are_recorded():
    a = tf.constant(1, name="a")
    b = tf.constant(2, name="b")
    with tf.control_dependencies([a]):
        c = tf.constant(3, name="c")
        with tf.control_dependencies([b]):
            d = tf.constant(4, name="d")
        with tf.control_dependencies(None):
            e = tf.constant(5, name="e")
            with tf.control_dependencies([b]):
                f = tf.constant(6, name="f")
    g = tf.constant(7, name="g")
    assert c.op.control_inputs == [a.op]
    assert d.op.control_inputs == [a.op, b.op]
    assert e.op.control_inputs == []
    assert f.op.control_inputs == [b.op]
    assert g.op.control_inputs == []


def test_control_dependencies_accept_tensors_ops_variables_and_callables():
    v = tf.Variable(1.0, name="v")
    a = tf.constant(1.0, name="a")
    noop = tf.no_op(name="nop")
    with tf.control_dependencies([a, noop, v.initializer]):
        c = tf.constant(0.0, name="c")
    assert c.op.control_inputs == [a.op, noop, v.initializer]


def test_control_dependency_not_added_when_it_is_a_data_input():
    a = tf.constant(1.0, name="a")
    with tf.control_dependencies([a]):
        b = tf.identity(a)
    assert b.op.control_inputs == []


def test_control_dependencies_skip_ops_dominated_by_an_input_in_the_block():
    a = tf.constant(1, name="a")
    x = tf.constant(2, name="x")
    with tf.control_dependencies([a]):
        b = x + 1
        c = b * 2
    assert b.op.inputs[1].op.control_inputs == [a.op]
    assert b.op.control_inputs == []
    assert c.op.control_inputs == []


def test_control_dependencies_order_execution():
    v = tf.Variable(0, name="v")
    inc = tf.assign_add(v, 5)
    with tf.control_dependencies([inc]):
        out = tf.identity(tf.constant(1))
        read = v.read_value()
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(out) == 1
        assert sess.run(v) == 5
        assert sess.run(read) == 10
        assert sess.run(v) == 10


# ----- devices --------------------------------------------------------------------------------
def test_device_strings_are_canonicalised_and_merged_as_tf1():
    with tf.device("/gpu:1"):
        a = tf.constant(1)
        with tf.device("/job:ps"):
            b = tf.constant(2)
        with tf.device("/cpu:0"):
            c = tf.constant(3)
        with tf.device(None):
            d = tf.constant(4)
    with tf.device("/job:ps/task:0"):
        with tf.device("/device:CPU:0"):
            e = tf.constant(5)
    with tf.device("/GPU:*"):
        f = tf.constant(6)
    with tf.device("/job:worker/replica:0/task:1/device:GPU:0"):
        h = tf.constant(7)
    g = tf.constant(8)
    assert a.op.device == "/device:GPU:1"
    assert b.op.device == "/job:ps/device:GPU:1"
    assert c.op.device == "/device:CPU:0"
    assert d.op.device == ""
    assert e.op.device == "/job:ps/task:0/device:CPU:0"
    assert f.op.device == "/device:GPU:*"
    assert h.device == "/job:worker/replica:0/task:1/device:GPU:0"
    assert g.op.device == ""


def test_device_function_and_variable_device():
    def place(op):
        return "/device:CPU:0" if op.type == "Const" else "/device:GPU:0"

    with tf.device(place):
        a = tf.constant(1.0)
        b = tf.negative(a)
    assert a.op.device == "/device:CPU:0"
    assert b.op.device == "/device:GPU:0"
    with tf.device("/device:GPU:1"):
        v = tf.Variable([1.0], name="v")
    assert v.device == "/device:GPU:1"
    assert v.op.device == "/device:GPU:1"
    # Devices are honoured at run time: no GPU here, so TF1 raises unless soft placement.
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="assigned to /device:GPU:1"):
            sess.run(v.initializer)
    with tf.Session(config=tf.ConfigProto(allow_soft_placement=True)) as sess:
        sess.run(v.initializer)
        np.testing.assert_array_equal(sess.run(v), [1.0])
        assert sess.run(b) == -1.0


def test_device_function_result_is_recorded_verbatim():
    with tf.device(lambda op: "/cpu:0"):
        a = tf.constant(1.0)
    assert a.op.device == "/cpu:0"


# ----- collections ----------------------------------------------------------------------------
def test_collections_basics():
    a = tf.constant(1, name="a")
    tf.add_to_collection("c", a)
    tf.add_to_collection("c", 3)
    with tf.name_scope("sc"):
        q = tf.constant(1)
        tf.add_to_collection("c", q)
    assert tf.get_collection("c") == [a, 3, q]
    assert tf.get_collection("c", scope="sc") == [q]
    assert tf.get_collection("c", scope="s.") == [q]
    assert tf.get_collection("c", scope="a") == [a]
    assert tf.get_collection("nothing") == []
    # get_collection returns a copy, get_collection_ref the live list.
    tf.get_collection("c").append("x")
    assert len(tf.get_collection("c")) == 3
    ref = tf.get_collection_ref("c")
    assert ref is tf.get_collection_ref("c")
    ref.append("x")
    assert tf.get_collection("c")[-1] == "x"
    assert tf.get_default_graph().get_all_collection_keys() == ["c"]
    tf.add_to_collections(["k1", "k2"], a)
    assert tf.get_collection("k1") == [a] and tf.get_collection("k2") == [a]
    tf.get_default_graph().clear_collection("k1")
    assert tf.get_collection("k1") == []


def test_variables_land_in_standard_collections():
    v = tf.Variable(1.0, name="v")
    w = tf.Variable(1.0, name="w", trainable=False)
    assert tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES) == [v, w]
    assert tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES) == [v]
    assert tf.GraphKeys.VARIABLES == tf.GraphKeys.GLOBAL_VARIABLES == "variables"
    assert tf.GraphKeys.TRAINABLE_VARIABLES == "trainable_variables"
    assert tf.GraphKeys.LOCAL_VARIABLES == "local_variables"
    assert tf.GraphKeys.UPDATE_OPS == "update_ops"


# ----- Tensor -------------------------------------------------------------------------------
def test_tensor_properties():
    g = tf.get_default_graph()
    p = tf.placeholder(tf.float32, [None, 3], name="p")
    y = tf.add(p, 1.0, name="y")
    assert y.name == "y:0"
    assert y.op.name == "y"
    assert y.op.type == "AddV2"
    assert y.value_index == 0
    assert y.graph is g and y.op.graph is g
    assert y.dtype == tf.float32
    assert y.shape.as_list() == [None, 3]
    assert y.get_shape() == y.shape
    assert str(y.shape) == "(?, 3)"
    assert y.op.inputs[0] is p
    assert y.op.outputs == [y]
    assert y.op.values() == (y,)
    assert p.consumers() == [y.op]
    assert y.device == ""
    assert repr(y) == "<tf.Tensor 'y:0' shape=(?, 3) dtype=float32>"


def test_tensor_eval_with_default_and_explicit_session():
    c = tf.constant([1.0, 2.0]) * 3.0
    with pytest.raises(ValueError, match="No default session is registered"):
        c.eval()
    sess = tf.Session()
    np.testing.assert_array_equal(c.eval(session=sess), [3.0, 6.0])
    with sess.as_default():
        np.testing.assert_array_equal(c.eval(), [3.0, 6.0])
    p = tf.placeholder(tf.int32, [])
    with sess.as_default():
        assert (p * 2).eval(feed_dict={p: 21}) == 42
        op = tf.no_op()
        assert op.run() is None
    sess.close()


def test_tensor_is_not_a_bool_and_has_no_len():
    t = tf.constant([1, 2])
    with pytest.raises(TypeError):
        bool(t)
    with pytest.raises(TypeError):
        if t:
            pass
    with pytest.raises(TypeError, match="len is not well defined"):
        len(t)
    # == is identity, and tensors hash (they can be dict keys).
    u = tf.constant([1, 2])
    assert (t == t) is True and (t == u) is False
    assert {t: 1, u: 2}[u] == 2


def test_tensor_iteration_with_unknown_first_dimension_raises():
    with pytest.raises(TypeError):
        iter(tf.placeholder(tf.float32, [None, 2]))


def test_set_shape_refines_and_rejects_incompatible():
    p = tf.placeholder(tf.float32, [None, 3])
    p.set_shape([4, 3])
    assert p.shape.as_list() == [4, 3]
    with pytest.raises(ValueError):
        p.set_shape([5, 3])


def test_static_shapes_of_placeholders_propagate():
    p = tf.placeholder(tf.float32, [None, 3])
    assert (p + 1).shape.as_list() == [None, 3]
    assert tf.reduce_sum(p, 0).shape.as_list() == [3]
    assert tf.reduce_sum(p, 1).shape.as_list() == [None]
    assert tf.matmul(p, tf.ones([3, 5])).shape.as_list() == [None, 5]
    u = tf.placeholder(tf.float32)
    assert u.shape.ndims is None
    assert str(u.shape) == "<unknown>"


# ----- TensorShape and Dimension --------------------------------------------------------------
def test_tensor_shape_basics():
    s = tf.TensorShape([2, None, 4])
    assert s.as_list() == [2, None, 4]
    assert s.ndims == 3 and s.rank == 3 and len(s) == 3
    assert isinstance(s[0], tf.Dimension)
    assert s[0].value == 2 and s[1].value is None and s[-1].value == 4
    assert s[1:].as_list() == [None, 4]
    assert str(s) == "(2, ?, 4)"
    assert repr(s) == "TensorShape([Dimension(2), Dimension(None), Dimension(4)])"
    assert s.num_elements() is None and not s.is_fully_defined()
    assert tf.TensorShape([2, 3]).num_elements() == 6
    assert tf.TensorShape([]).num_elements() == 1 and tf.TensorShape([]).ndims == 0
    assert [d.value for d in s] == [2, None, 4]
    assert tf.TensorShape([None, 3]) == tf.TensorShape([None, 3])
    assert tf.TensorShape([1, 3]) == [1, 3]
    assert tf.TensorShape([5]).as_list() == [5]
    assert str(tf.TensorShape([5])) == "(5,)"


def test_unknown_tensor_shape():
    s = tf.TensorShape(None)
    assert s.ndims is None
    assert str(s) == "<unknown>"
    with pytest.raises(ValueError, match="unknown TensorShape"):
        s.as_list()
    assert s[0].value is None
    assert s.is_compatible_with([1, 2, 3])
    assert s.merge_with([1, 2]).as_list() == [1, 2]


def test_tensor_shape_compatibility_and_merge():
    assert tf.TensorShape([None]).is_compatible_with([5])
    assert not tf.TensorShape([3]).is_compatible_with([5])
    assert not tf.TensorShape([3]).is_compatible_with([3, 1])
    assert tf.TensorShape([1, None]).merge_with([None, 2]).as_list() == [1, 2]
    with pytest.raises(ValueError):
        tf.TensorShape([1, 2]).merge_with([2, 2])
    assert tf.TensorShape([3]).concatenate([4]).as_list() == [3, 4]
    with pytest.raises(ValueError):
        tf.TensorShape([1, 2]).assert_is_compatible_with([1, 3])
    with pytest.raises(ValueError):
        tf.TensorShape([1, 2]).assert_has_rank(3)


def test_dimension_behaviour():
    d = tf.Dimension(3)
    assert d.value == 3 and int(d) == 3
    assert d == 3 and d == tf.Dimension(3) and d != 4
    assert (tf.Dimension(None) == 3) is None
    assert (d == tf.Dimension(None)) is None
    assert (d + tf.Dimension(None)).value is None
    assert (d * 2).value == 6
    assert (tf.Dimension(7) // 2).value == 3
    assert (d - 1).value == 2
    assert str(tf.Dimension(None)) == "?" and str(d) == "3"
    assert tf.Dimension(None).is_compatible_with(5)
    assert not d.is_compatible_with(4)
    assert d.merge_with(None).value == 3
    with pytest.raises(ValueError):
        d.merge_with(4)
    with pytest.raises(ValueError, match="must be >= 0"):
        tf.Dimension(-1)
    assert list(range(10))[tf.Dimension(2)] == 2  # usable as an index


# ----- dtypes -----------------------------------------------------------------------------------
def test_as_dtype_conversions():
    assert tf.as_dtype("float32") is tf.float32
    assert tf.as_dtype(np.int64) is tf.int64
    assert tf.as_dtype(np.dtype("float64")) is tf.float64
    assert tf.as_dtype(tf.float32.as_datatype_enum) is tf.float32
    assert tf.as_dtype(np.bool_) is tf.bool
    assert tf.as_dtype("half") is tf.float16 and tf.half is tf.float16
    assert tf.as_dtype("double") is tf.float64 and tf.double is tf.float64
    assert tf.as_dtype("float32_ref").name == "float32_ref"
    assert tf.as_dtype(tf.float32.as_datatype_enum + 100).name == "float32_ref"
    with pytest.raises(TypeError):
        tf.as_dtype("foo")


def test_dtype_constants_and_properties():
    assert tf.float32.name == "float32"
    assert str(tf.float32) == "<dtype: 'float32'>" and repr(tf.float32) == "tf.float32"
    assert tf.float32.as_datatype_enum == 1 and tf.int32.as_datatype_enum == 3
    assert tf.string.as_datatype_enum == 7
    assert tf.float32.as_numpy_dtype is np.float32
    assert tf.string.as_numpy_dtype is object
    assert tf.float32.is_floating and not tf.float32.is_integer
    assert tf.int32.is_integer and tf.uint8.is_unsigned and tf.bool.is_bool and tf.complex64.is_complex
    assert tf.int32.max == 2147483647 and tf.int32.min == -2147483648
    assert tf.uint8.min == 0 and tf.uint8.max == 255
    assert tf.float16.max == np.finfo(np.float16).max
    assert tf.float32.size == 4 and tf.float64.size == 8
    assert tf.complex64.real_dtype is tf.float32
    assert tf.float32 == np.float32 and tf.float32 == "float32" and tf.float32 != tf.float64
    assert tf.dtypes.float32 is tf.float32 and tf.dtypes.as_dtype("int8") is tf.int8


def test_ref_dtypes():
    ref = dtypes_lib.float32_ref
    assert ref.name == "float32_ref"
    assert ref.base_dtype is tf.float32
    assert ref != tf.float32
    assert tf.float32.is_compatible_with(ref)
    assert not ref.is_compatible_with(tf.float32)  # TF1: a ref type accepts only itself
    assert ref.as_datatype_enum == 101
    assert tf.float32._as_ref is ref
    v = tf.Variable(1.0)
    assert v.dtype == ref
    assert v.dtype.base_dtype == tf.float32
    assert v.value().dtype == tf.float32


@pytest.mark.parametrize("value, expected", [
    (float, "float32"), (bool, "bool"), ("float", "float32"), ("double", "float64"), ("half", "float16"),
    (np.int64, "int64"), ("string", "string"), (tf.float32, "float32")])
def test_as_dtype_maps_what_tf1_maps(value, expected):
    assert tf.as_dtype(value).name == expected


@pytest.mark.parametrize("value", [int, complex, str, bytes, None, "nope"])
def test_as_dtype_rejects_what_tf1_rejects(value):
    with pytest.raises(TypeError):
        tf.as_dtype(value)


def test_a_variable_leaves_few_objects_for_the_cyclic_garbage_collector():
    """Graph-building cost (issue 15, benchmarks/graph_build.py): every full collection of
    Python's cyclic GC walks every tracked object, so what a `get_variable` leaves behind
    (its four ops and their tensors, inputs, attrs, kernels) stays small: 27 objects before."""
    def build(n):
        g = tf.Graph()
        with g.as_default(), tf.variable_scope("model"):
            for i in range(n):
                with tf.variable_scope(f"unit{i}"):
                    tf.get_variable("weights", [8, 8])
                    tf.get_variable("biases", [8], initializer=tf.zeros_initializer())
        return g

    build(10)
    gc.collect()
    before = len(gc.get_objects())
    g = build(100)
    gc.collect()
    per_variable = (len(gc.get_objects()) - before) / 200
    assert len(g.get_operations()) == 800
    assert per_variable <= 23, per_variable
