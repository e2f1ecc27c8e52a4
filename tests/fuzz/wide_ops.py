"""The fuzzer's wide table of stateless ops (tests/fuzz/programs.py, action `act_wide`).

`wide_step(gen)` draws one op from `TABLE` and its operands from the program's value nodes
(respecting dtype, rank and shape rules), a fresh placeholder fed with special values, or a
constant with special values, and returns a step `("wide", nid, op, template, operands)` plus
the new node's facts; `programs.render_step` formats `template` with the operands (a node id,
or a literal rendered as `tf.constant`). Everything is drawn from `gen.rng`, which the caller
has swapped for the wide ops' own random stream (see programs.generate).

Special values (`special_value`): exact ties and kinks (0, repeated entries, +-1, +-0.5, 2) and,
for ops whose TF answer is defined on them, NaN and +-inf. A node that may hold a non-finite
value is marked `nonfinite` (the mark follows data: ops, assigns into variables, gradients and
optimizer steps of such a loss) and only ops flagged `nf` take it.

Gradients are compared for every differentiable op, ties and kinks included (a difference
there is a finding). Not differentiable here, so the new node cuts gradient paths (dc=None):
TF's None-gradient ops (floor, round, ceil, sign's zeros aside, floordiv, argmax, casts to and
from integers, one_hot) and any integer result.

Placeholders are sometimes declared with unknown dimensions (never an unknown rank) and fed
the full shape; every wide op's static shape is recorded.

Exclusions (each with the reason; the seed that showed it where there was one):
- a float cast to an integer goes through `where(is_nan, 0, clip(x, -100, 100))`: TF's
  static_cast of NaN or of an out-of-range float is undefined behaviour in C++ (x86 gives
  INT_MIN, XLA saturates), not an answer to copy.
- no inf or NaN into softmax: TF's answer for an inf logit depends on its backend (with oneDNN
  on, as in the installed TF, softmax([0.5, inf, inf]) is [0, nan, nan]; Eigen's formula gives
  NaN everywhere), not a defined answer.
- no unknown rank and no sparse cross-entropy of a partly unknown shape (see above).
"""
FLOATS = ("float32", "float64")
INTS = ("int32", "int64")
NONFINITE = (float("nan"), float("inf"), float("-inf"))


def special_value(rng, dtype, shape, nonfinite=False):
    """A value of `dtype`/`shape` (rank <= 2) rich in ties and kinks (and NaN/inf if allowed)."""
    prev = []

    def one():
        r = rng.random()
        if prev and r < 0.25:
            v = prev[-1]
        elif r < 0.45:
            v = 0.0 if dtype in FLOATS else 0
        elif dtype in FLOATS and nonfinite and r < 0.55:
            v = rng.choice(NONFINITE)
        elif dtype in FLOATS:
            v = rng.choice((1.0, -1.0, 0.5, -0.5, 2.0, round(rng.uniform(-2, 2), 1)))
        else:
            v = rng.randint(-3, 5)
        prev.append(v)
        return v
    if not shape:
        return one()
    if len(shape) == 1:
        return [one() for _ in range(shape[0])]
    return [[one() for _ in range(shape[1])] for _ in range(shape[0])]


def _reduced(shape, axis, keepdims):
    if axis is None:
        return [1] * len(shape) if keepdims else []
    axes = {a % len(shape) for a in (axis if isinstance(axis, list) else [axis])}
    if keepdims:
        return [1 if i in axes else d for i, d in enumerate(shape)]
    return [d for i, d in enumerate(shape) if i not in axes]


class _Op:
    """One table entry: `build(ctx)` returns (template, extra operands, dtype, shape, diff) or
    None when the drawn x does not fit. `dtypes`: x's allowed dtypes; `ranks`: x's ranks;
    `nf`: NaN/inf allowed in x; `makes_nf`: the result may be non-finite for finite x."""

    def __init__(self, name, build, dtypes=FLOATS, ranks=(0, 1, 2), nf=False, makes_nf=False):
        self.name, self.build, self.dtypes, self.ranks = name, build, dtypes, ranks
        self.nf, self.makes_nf = nf, makes_nf


class _Ctx:
    """What an op builder sees: the generator, x's dtype and shape, and operand helpers."""

    def __init__(self, gen, op, x, dtype, shape):
        self.gen, self.rng, self.op = gen, gen.rng, op
        self.x, self.dtype, self.shape = x, dtype, list(shape)
        self.rank = len(shape)

    def lit(self, shape, dtype=None, nonfinite=None):
        dtype = dtype or self.dtype
        nf = self.op.nf if nonfinite is None else nonfinite
        return ("c", special_value(self.rng, dtype, shape, nf and dtype in FLOATS), dtype)

    def same(self, scalar_ok=True, allow_x=True):
        """A second operand of x's dtype: x itself (an exact tie), another node of its shape, or a
        literal of its shape (or a scalar, broadcast)."""
        g, rng = self.gen, self.rng
        r = rng.random()
        if allow_x and r < 0.2:
            return self.x
        nodes = [i for i in g.value_nodes() if g.nodes[i].dtype == self.dtype
                 and g.nodes[i].shape == self.shape and i != self.x
                 and (self.op.nf or not g.is_nonfinite(i))]
        if nodes and r < 0.55:
            return g.pick(nodes)
        if scalar_ok and rng.random() < 0.3:
            return self.lit([])
        return self.lit(self.shape)

    def axis(self, none_ok=True, lists=False):
        choices = ([None] if none_ok else []) + list(range(self.rank)) + [-1] * (self.rank > 0)
        if lists and self.rank == 2:
            choices.append([0, 1])
        return self.rng.choice(choices) if choices else None


def _unary(template, diff=True):
    return lambda c: (template, [], c.dtype, c.shape, diff)


def _binary(fn, diff=True, scalar_ok=True, allow_x=True):
    return lambda c: (f"{fn}({{0}}, {{1}})", [c.same(scalar_ok, allow_x)], c.dtype, c.shape, diff)


def _pow(c):
    if c.dtype in INTS:
        return (f"tf.pow({{0}}, {c.rng.choice((0, 2, 3))})", [], c.dtype, c.shape, False)
    if c.rng.random() < 0.3:  # a variable exponent over a positive base
        return ("tf.pow(tf.abs({0}) + 0.5, {1})", [c.same(allow_x=False)], c.dtype, c.shape, True)
    return (f"tf.pow({{0}}, {c.rng.choice((2.0, 3.0, 0.5, -1.0, 0.0))})", [], c.dtype, c.shape,
            True)


def _clip_by_value(c):
    lo, hi = c.rng.choice(((-0.5, 0.5), (0, 1), (-1, 2), (0, 0)))
    if c.dtype in INTS:
        lo, hi = int(lo), int(hi)
    return (f"tf.clip_by_value({{0}}, {lo!r}, {hi!r})", [], c.dtype, c.shape, True)


def _clip_by_norm(c):
    axes = c.rng.choice((None, [0], [c.rank - 1])) if c.rank else None
    norm = c.rng.choice((1.0, 0.5, 3.0))
    return (f"tf.clip_by_norm({{0}}, {norm}, axes={axes!r})", [], c.dtype, c.shape, True)


def _divisor(c):
    """A literal divisor: never zero for integers (TF fails the run: its own family of tests)."""
    if c.dtype in INTS:
        return ("c", c.rng.choice((-3, -2, 2, 3)) if c.rng.random() < 0.5 else
                [c.rng.choice((-3, -2, 1, 2, 3)) for _ in range(c.shape[-1])] if c.shape
                else 2, c.dtype)
    return c.same(allow_x=False) if c.rng.random() < 0.3 else c.lit(c.shape)


def _floordiv(c):
    return ("tf.floordiv({0}, {1})", [_divisor(c)], c.dtype, c.shape, False)


def _floormod(c):
    return ("tf.floormod({0}, {1})", [_divisor(c)], c.dtype, c.shape, c.dtype in FLOATS)


def _truediv(c):
    if c.dtype in INTS:  # TF casts to float64 (int32/int64): a zero divisor gives inf
        return ("tf.truediv({0}, {1})", [c.lit(c.shape)], "float64", c.shape, False)
    return ("tf.truediv({0}, {1})", [c.same(allow_x=False)], c.dtype, c.shape, True)


def _where(c):
    y = c.same(scalar_ok=False)
    t = c.rng.choice((0, 0.5, -1)) if c.dtype in FLOATS else c.rng.choice((0, 1))
    cmp = c.rng.choice(("greater", "less_equal", "equal"))
    return (f"tf.where(tf.{cmp}({{0}}, {t!r}), {{0}}, {{1}})", [y], c.dtype, c.shape, True)


def _reduce(name, floats_only=False):
    def build(c):
        if floats_only and c.dtype not in FLOATS:
            return None
        axis = c.axis(lists=True)
        keep = c.rng.random() < 0.3
        return (f"tf.{name}({{0}}, axis={axis!r}, keepdims={keep})", [], c.dtype,
                _reduced(c.shape, axis, keep), True)
    return build


def _argmax(c):
    fn = c.rng.choice(("argmax", "argmin"))
    axis = c.rng.randrange(c.rank)
    return (f"tf.{fn}({{0}}, axis={axis})", [], "int64", _reduced(c.shape, axis, False), False)


def _reshape(c):
    n = 1
    for d in c.shape:
        n *= d
    choices = [[-1], [n, 1], [1, n]] + ([c.shape[::-1]] if c.rank == 2 else [])
    new = c.rng.choice(choices)
    out = [n] if new == [-1] else new
    return (f"tf.reshape({{0}}, {new!r})", [], c.dtype, out, True)


def _concat(c):
    axis = c.rng.choice(list(range(c.rank)) + [-1])
    out = list(c.shape)
    out[axis] *= 2
    return ("tf.concat([{0}, {1}], axis=%d)" % axis, [c.same(scalar_ok=False)], c.dtype, out,
            True)


def _stack(c):
    axis = c.rng.choice((0, -1)) if c.rank else 0
    out = [2] + c.shape if axis == 0 else c.shape + [2]
    return ("tf.stack([{0}, {1}], axis=%d)" % axis, [c.same(scalar_ok=False)], c.dtype, out, True)


def _unstack(c):
    axis = c.rng.randrange(c.rank)
    i = c.rng.randrange(c.shape[axis])
    return (f"tf.unstack({{0}}, axis={axis})[{i}]", [], c.dtype, _reduced(c.shape, axis, False),
            True)


def _tile(c):
    mult = [c.rng.choice((1, 2)) for _ in c.shape]
    return (f"tf.tile({{0}}, {mult!r})", [], c.dtype, [d * m for d, m in zip(c.shape, mult)], True)


def _pad(c):
    mode = c.rng.choice(("CONSTANT", "REFLECT", "SYMMETRIC"))
    top = {"CONSTANT": 2, "REFLECT": 1, "SYMMETRIC": 2}[mode]
    pads = [[c.rng.randint(0, min(top, d - (mode == "REFLECT"))) for _ in range(2)]
            for d in c.shape]
    extra = ", constant_values=1" if mode == "CONSTANT" and c.rng.random() < 0.3 else ""
    return (f"tf.pad({{0}}, {pads!r}, mode={mode!r}{extra})", [], c.dtype,
            [d + a + b for d, (a, b) in zip(c.shape, pads)], True)


def _reverse(c):
    axis = c.rng.randrange(c.rank)
    return (f"tf.reverse({{0}}, axis=[{axis}])", [], c.dtype, c.shape, True)


def _slice(c):
    begin = [c.rng.randrange(d) for d in c.shape]
    size = [c.rng.choice((-1, c.rng.randint(1, d - b))) for d, b in zip(c.shape, begin)]
    out = [d - b if s == -1 else s for d, b, s in zip(c.shape, begin, size)]
    return (f"tf.slice({{0}}, {begin!r}, {size!r})", [], c.dtype, out, True)


def _strided(c):
    n = c.shape[0]
    kind = c.rng.choice(("rev", "tail", "last", "cols") if c.rank == 2 else ("rev", "tail", "last"))
    if kind == "rev":
        return ("{0}[::-1]", [], c.dtype, c.shape, True)
    if kind == "tail":
        return ("{0}[1:]", [], c.dtype, [n - 1] + c.shape[1:], True)
    if kind == "last":
        return ("{0}[-1]", [], c.dtype, c.shape[1:], True)
    m = c.shape[1]
    return ("{0}[:, ::2]", [], c.dtype, [n, (m + 1) // 2], True)


def _gather(c):
    axis = c.rng.randrange(c.rank)
    k = c.rng.randint(1, 4)
    idx = [c.rng.randrange(c.shape[axis]) for _ in range(k)]
    out = c.shape[:axis] + [k] + c.shape[axis + 1:]
    return (f"tf.gather({{0}}, {idx!r}, axis={axis})", [], c.dtype, out, True)


def _gather_nd(c):
    k = c.rng.randint(1, 3)
    depth = c.rng.randint(1, c.rank)
    idx = [[c.rng.randrange(c.shape[j]) for j in range(depth)] for _ in range(k)]
    return (f"tf.gather_nd({{0}}, {idx!r})", [], c.dtype, [k] + c.shape[depth:], True)


def _expand_dims(c):
    axis = c.rng.choice(list(range(c.rank + 1)) + [-1])
    pos = axis % (c.rank + 1)
    return (f"tf.expand_dims({{0}}, {axis})", [], c.dtype, c.shape[:pos] + [1] + c.shape[pos:],
            True)


def _squeeze(c):
    if 1 not in c.shape:
        return ("tf.squeeze(tf.expand_dims({0}, 0), [0])", [], c.dtype, c.shape, True)
    return ("tf.squeeze({0})", [], c.dtype, [d for d in c.shape if d != 1], True)


def _split(c):
    axis = c.rng.randrange(c.rank)
    d = c.shape[axis]
    if d > 1 and c.rng.random() < 0.4:
        first = c.rng.randint(1, d - 1)
        sizes, i = [first, d - first], c.rng.randrange(2)
        out = list(c.shape)
        out[axis] = sizes[i]
        return (f"tf.split({{0}}, {sizes!r}, axis={axis})[{i}]", [], c.dtype, out, True)
    k = c.rng.choice([j for j in (1, 2, 3) if d % j == 0])
    i = c.rng.randrange(k)
    out = list(c.shape)
    out[axis] = d // k
    return (f"tf.split({{0}}, {k}, axis={axis})[{i}]", [], c.dtype, out, True)


def _one_hot(c):
    if c.rng.random() < 0.5:
        return ("tf.one_hot({0}, 4)", [], "float32", c.shape + [4], False)
    return ("tf.one_hot({0}, 3, on_value=2.0, off_value=-1.0, axis=0, dtype=tf.float64)", [],
            "float64", [3] + c.shape, False)


def _cast(c):
    if c.dtype in FLOATS:
        if c.rng.random() < 0.5:
            to = "float64" if c.dtype == "float32" else "float32"
            return (f"tf.cast({{0}}, tf.{to})", [], to, c.shape, True)
        to = c.rng.choice(INTS)
        return (f"tf.cast(tf.where(tf.is_nan({{0}}), tf.zeros_like({{0}}), "
                f"tf.clip_by_value({{0}}, -100.0, 100.0)), tf.{to})", [], to, c.shape, False)
    to = c.rng.choice(("float32", "float64", "int32" if c.dtype == "int64" else "int64"))
    return (f"tf.cast({{0}}, tf.{to})", [], to, c.shape, False)


def _softmax(name):
    return lambda c: (f"tf.nn.{name}({{0}})", [], c.dtype, c.shape, True)


def _l2_normalize(c):
    axis = c.axis(none_ok=True)
    return (f"tf.nn.l2_normalize({{0}}, axis={axis!r})", [], c.dtype, c.shape, True)


def _moments(c):
    axes = c.rng.choice([[0]] + ([[1], [0, 1]] if c.rank == 2 else []))
    keep = c.rng.random() < 0.3
    i = c.rng.randrange(2)
    return (f"tf.nn.moments({{0}}, axes={axes!r}, keep_dims={keep})[{i}]", [], c.dtype,
            _reduced(c.shape, axes, keep), True)


def _probs(c, shape):
    """A literal of rows of probabilities (last axis), ties and one-hots included."""
    n = shape[-1]

    def row():
        kind = c.rng.choice(("onehot", "uniform", "mixed"))
        if kind == "onehot":
            k = c.rng.randrange(n)
            return [1.0 if j == k else 0.0 for j in range(n)]
        if kind == "uniform":
            return [1.0 / n] * n
        w = [c.rng.choice((0.0, 1.0, 2.0, 3.0)) for _ in range(n)]
        s = sum(w) or 1.0
        return [x / s for x in w] if sum(w) else [1.0 / n] * n
    if len(shape) == 1:
        return ("c", row(), c.dtype)
    return ("c", [row() for _ in range(shape[0])], c.dtype)


def _labels01(c, shape):
    def one():
        return c.rng.choice((0.0, 1.0, 0.0, 1.0, 0.5, 0.3))
    if not shape:
        return ("c", one(), c.dtype)
    if len(shape) == 1:
        return ("c", [one() for _ in range(shape[0])], c.dtype)
    return ("c", [[one() for _ in range(shape[1])] for _ in range(shape[0])], c.dtype)


def _sparse_labels(c, shape):
    n = c.shape[-1]
    dtype = c.rng.choice(INTS)
    if len(shape) == 0:
        return ("c", c.rng.randrange(n), dtype)
    return ("c", [c.rng.randrange(n) for _ in range(shape[0])], dtype)


def _sigmoid_xent(c):
    return ("tf.nn.sigmoid_cross_entropy_with_logits(labels={1}, logits={0})",
            [_labels01(c, c.shape)], c.dtype, c.shape, True)


def _softmax_xent(c):
    return ("tf.nn.softmax_cross_entropy_with_logits_v2(labels={1}, logits={0})",
            [_probs(c, c.shape)], c.dtype, c.shape[:-1], True)


def _unknown_dims(c):
    """Does x's static shape have unknown dimensions (a wide op's placeholder upstream)?"""
    g = c.gen
    return isinstance(c.x, str) and any(getattr(g.nodes[a], "unknown_dims", False)
                                        for a in g.closure([c.x]))


def _sparse_xent(c):
    if _unknown_dims(c):  # TF1 takes the labels' shape, we give unknown (strict xfail
        return None       # tests/test_dynamic_shapes_vs_tf.py::LESS_SPECIFIC "sparse_xent")
    return ("tf.nn.sparse_softmax_cross_entropy_with_logits(labels={1}, logits={0})",
            [_sparse_labels(c, c.shape[:-1])], c.dtype, c.shape[:-1], True)


REDUCTIONS = ("SUM", "MEAN", "NONE", "SUM_OVER_BATCH_SIZE", "SUM_BY_NONZERO_WEIGHTS")


def _weights(c, shape):
    r = c.rng.random()
    if r < 0.5:
        return "1.0"
    if r < 0.75:
        return repr(c.rng.choice((0.0, 0.5, 2.0)))
    w = special_value(c.rng, c.dtype, shape)
    w = [[abs(x) for x in row] for row in w] if len(shape) == 2 else (
        [abs(x) for x in w] if shape else abs(w))
    return f"np.array({w!r}, dtype={c.dtype!r})"


def _loss(c):
    rng = c.rng
    kind = rng.choice(("sigmoid_cross_entropy", "softmax_cross_entropy",
                       "sparse_softmax_cross_entropy", "mean_squared_error",
                       "absolute_difference", "huber_loss", "hinge_loss", "log_loss",
                       "cosine_distance"))
    red = rng.choice(REDUCTIONS)
    shape = c.shape
    ls = ""
    if kind == "sigmoid_cross_entropy":
        labels, args = _labels01(c, shape), "multi_class_labels={1}, logits={0}"
        ls = rng.choice(("", ", label_smoothing=0.1", ", label_smoothing=0.5"))
    elif kind == "softmax_cross_entropy":
        if c.rank != 2:
            return None
        labels, args = _probs(c, shape), "onehot_labels={1}, logits={0}"
        ls = rng.choice(("", ", label_smoothing=0.1", ", label_smoothing=0.3"))
        shape = shape[:-1]
    elif kind == "sparse_softmax_cross_entropy":
        if c.rank != 2 or _unknown_dims(c):  # as _sparse_xent
            return None
        labels, args = _sparse_labels(c, shape[:-1]), "labels={1}, logits={0}"
        shape = shape[:-1]
    elif kind == "huber_loss":
        labels, args = c.lit(shape), "labels={1}, predictions={0}"
        ls = rng.choice(("", ", delta=0.5", ", delta=2.0"))
    elif kind == "hinge_loss":
        labels = ("c", _map(_labels01(c, shape)[1], lambda v: 1.0 if v >= 0.5 else 0.0), c.dtype)
        args = "labels={1}, logits={0}"
    elif kind == "log_loss":
        labels, args = _labels01(c, shape), "labels={1}, predictions=tf.sigmoid({0})"
    elif kind == "cosine_distance":
        if c.rank == 0:
            return None
        axis = rng.randrange(c.rank)
        labels, args = c.lit(shape), "labels={1}, predictions={0}"
        ls = f", axis={axis}"
        shape = _reduced(shape, axis, True)
    else:
        labels, args = c.lit(shape), "labels={1}, predictions={0}"
    w = _weights(c, shape)
    out = list(shape) if red == "NONE" else []
    return (f"tf.losses.{kind}({args}, weights={w}{ls}, reduction=tf.losses.Reduction.{red})",
            [labels], c.dtype, out, True)


def _flat(v):
    if isinstance(v, list):
        return [y for x in v for y in _flat(x)]
    return [v]


def _map(v, f):
    if isinstance(v, list):
        return [_map(x, f) for x in v]
    return f(v)


def _bias_add(c):
    g = c.gen
    b = [i for i in g.value_nodes() if g.nodes[i].dtype == c.dtype
         and g.nodes[i].shape == [c.shape[1]]]
    y = g.pick(b) if b and c.rng.random() < 0.5 else c.lit([c.shape[1]])
    return ("tf.nn.bias_add({0}, {1})", [y], c.dtype, c.shape, True)


def _cumsum(c):
    axis = c.rng.randrange(c.rank)
    ex, rev = c.rng.random() < 0.4, c.rng.random() < 0.4
    return (f"tf.cumsum({{0}}, axis={axis}, exclusive={ex}, reverse={rev})", [], c.dtype, c.shape,
            True)


def _add_n(c):
    return ("tf.add_n([{0}, {1}, {0}])", [c.same(scalar_ok=False)], c.dtype, c.shape, True)


def _global_norm_clip(c):
    norm = c.rng.choice((1.0, 0.5, 3.0))
    i = c.rng.randrange(2)
    return (f"tf.clip_by_global_norm([{{0}}, {{1}}], {norm})[0][{i}]",
            [c.same(scalar_ok=False, allow_x=False)], c.dtype, c.shape, True)


def _tensordot(c):
    if c.rng.random() < 0.5:
        return ("tf.tensordot({0}, {1}, axes=1)", [c.lit([c.shape[-1]])], c.dtype, c.shape[:-1],
                True)
    return ("tf.tensordot({0}, {1}, axes=0)", [c.lit([2])], c.dtype, c.shape + [2], True)


ANY = FLOATS + INTS
TABLE = [
    # activations (x * 3 spans relu6's kink at 6)
    _Op("relu", _unary("tf.nn.relu({0})"), nf=True),
    _Op("relu6", _unary("tf.nn.relu6({0} * 3)"), nf=True),
    _Op("elu", _unary("tf.nn.elu({0})"), nf=True),
    _Op("selu", _unary("tf.nn.selu({0})"), nf=True),
    _Op("leaky_relu", _unary("tf.nn.leaky_relu({0}, alpha=0.2)"), nf=True),
    _Op("softplus", _unary("tf.nn.softplus({0})"), nf=True),
    _Op("softsign", _unary("tf.nn.softsign({0})"), nf=True),
    _Op("sigmoid", _unary("tf.sigmoid({0})"), nf=True),
    _Op("tanh", _unary("tf.tanh({0})"), nf=True),
    _Op("log_sigmoid", _unary("tf.log_sigmoid({0})"), nf=True),
    # math
    _Op("abs", lambda c: ("tf.abs({0})", [], c.dtype, c.shape, c.dtype in FLOATS), ANY, nf=True),
    _Op("sign", _unary("tf.sign({0})", diff=False), ANY, nf=True),
    _Op("sqrt", _unary("tf.sqrt(tf.square({0}) + 0.01)"), nf=True),
    _Op("rsqrt", _unary("tf.rsqrt(tf.square({0}) + 0.01)"), nf=True),
    _Op("log", _unary("tf.log(tf.abs({0}) + 0.5)"), nf=True),
    _Op("log1p", _unary("tf.log1p(tf.abs({0}))"), nf=True),
    _Op("expm1", _unary("tf.expm1({0})"), nf=True),
    _Op("reciprocal", _unary("tf.reciprocal(tf.abs({0}) + 0.5)"), nf=True),
    _Op("pow", _pow, ANY, makes_nf=True),
    _Op("floor", _unary("tf.floor({0})", diff=False), nf=True),
    _Op("ceil", _unary("tf.ceil({0})", diff=False), nf=True),
    _Op("round", _unary("tf.round({0})", diff=False), nf=True),
    _Op("clip_by_value", _clip_by_value, ANY, nf=True),
    _Op("clip_by_norm", _clip_by_norm, nf=True),
    _Op("maximum", _binary("tf.maximum"), ANY, nf=True),
    _Op("minimum", _binary("tf.minimum"), ANY, nf=True),
    _Op("squared_difference", _binary("tf.squared_difference"), ANY, nf=True),
    _Op("floordiv", _floordiv, ANY, makes_nf=True),
    _Op("floormod", _floormod, ANY, makes_nf=True),
    _Op("truediv", _truediv, ANY, makes_nf=True),
    _Op("where", _where, ANY, nf=True),
    # reductions
    _Op("reduce_sum", _reduce("reduce_sum"), ANY, nf=True),
    _Op("reduce_mean", _reduce("reduce_mean"), ANY, nf=True),
    _Op("reduce_max", _reduce("reduce_max"), ANY, nf=True),
    _Op("reduce_min", _reduce("reduce_min"), ANY, nf=True),
    _Op("reduce_prod", _reduce("reduce_prod"), ANY, nf=True),
    _Op("reduce_logsumexp", _reduce("reduce_logsumexp"), nf=True),
    _Op("argmax", _argmax, ANY, ranks=(1, 2), nf=True),
    # array ops
    _Op("reshape", _reshape, ANY, nf=True),
    _Op("transpose", lambda c: ("tf.transpose({0})", [], c.dtype, c.shape[::-1], True), ANY,
        ranks=(2,), nf=True),
    _Op("concat", _concat, ANY, ranks=(1, 2), nf=True),
    _Op("stack", _stack, ANY, ranks=(0, 1), nf=True),
    _Op("unstack", _unstack, ANY, ranks=(1, 2), nf=True),
    _Op("tile", _tile, ANY, ranks=(1, 2), nf=True),
    _Op("pad", _pad, ANY, ranks=(1, 2), nf=True),
    _Op("reverse", _reverse, ANY, ranks=(1, 2), nf=True),
    _Op("slice", _slice, ANY, ranks=(1, 2), nf=True),
    _Op("strided_slice", _strided, ANY, ranks=(1, 2), nf=True),
    _Op("gather", _gather, ANY, ranks=(1, 2), nf=True),
    _Op("gather_nd", _gather_nd, ANY, ranks=(2,), nf=True),
    _Op("expand_dims", _expand_dims, ANY, ranks=(0, 1), nf=True),
    _Op("squeeze", _squeeze, ANY, nf=True),
    _Op("split", _split, ANY, ranks=(1, 2), nf=True),
    _Op("one_hot", _one_hot, INTS, ranks=(0, 1), nf=True),
    _Op("cast", _cast, ANY, nf=True),
    # nn
    _Op("softmax", _softmax("softmax"), ranks=(1, 2)),
    _Op("log_softmax", _softmax("log_softmax"), ranks=(1, 2), nf=True),
    _Op("l2_normalize", _l2_normalize, nf=True),
    _Op("l2_loss", lambda c: ("tf.nn.l2_loss({0})", [], c.dtype, [], True), nf=True),
    _Op("moments", _moments, ranks=(1, 2), nf=True),
    _Op("sigmoid_xent", _sigmoid_xent, nf=True),
    _Op("softmax_xent", _softmax_xent, ranks=(1, 2), nf=True),
    _Op("sparse_softmax_xent", _sparse_xent, ranks=(1, 2), nf=True),
    _Op("losses", _loss, nf=True),
    _Op("bias_add", _bias_add, ranks=(2,), nf=True),
    _Op("dropout0", _unary("tf.nn.dropout({0}, rate=0.0)"), nf=True),
    # appended (keep the order: a seed means the same program)
    _Op("cumsum", _cumsum, ANY, ranks=(1, 2), nf=True),
    _Op("atan2", _binary("tf.atan2", allow_x=False), nf=True),
    _Op("add_n", _add_n, ANY, nf=True),
    _Op("clip_by_global_norm", _global_norm_clip, nf=True),
    _Op("tensordot", _tensordot, ranks=(1, 2), nf=True),
]
OP_NAMES = tuple(op.name for op in TABLE)


def wide_step(gen):
    """Draw one op and its operands; returns (step, out dtype, out shape, input ids, diff,
    nonfinite) or None (nothing fits)."""
    rng = gen.rng
    op = rng.choice(TABLE)

    def fits(n):
        return (n.dtype in op.dtypes and len(n.shape or []) in op.ranks and n.shape is not None
                and (op.nf or not gen.is_nonfinite(n.id)))
    pool = [i for i in gen.value_nodes(fits)]
    r = rng.random()
    if r < 0.15 or not pool:
        dtype = rng.choice([d for d in op.dtypes if d != "int64"] or op.dtypes)
        shapes = [s for s in ([], [2], [3], [2, 3], [3, 2], [2, 2]) if len(s) in op.ranks]
        shape = list(rng.choice(shapes))
        if r < 0.08:  # a constant operand
            x = ("c", special_value(rng, dtype, shape, op.nf and dtype in FLOATS), dtype)
        else:         # a placeholder fed with special values
            x = gen.placeholder(dtype, shape)
            # declared with unknown dimensions (or rank) sometimes, fed `shape`: the ops' static
            # shape inference (recorded after each wide op) and run-time shapes
            # (not an unknown rank: TF1 infers through those where we give an unknown shape,
            # strict xfail tests/test_dynamic_shapes_vs_tf.py::LESS_SPECIFIC)
            if shape and rng.random() < 0.4:
                declared = [None if rng.random() < 0.5 else d for d in shape]
                gen.steps[-1] = ("placeholder", x, dtype, declared)
                gen.nodes[x].unknown_dims = True
            gen.nodes[x].special = op.nf and dtype in FLOATS
            gen.nodes[x].own_nf = gen.nodes[x].special
    else:
        x = gen.pick(pool)
        dtype, shape = gen.nodes[x].dtype, gen.nodes[x].shape
    ctx = _Ctx(gen, op, x, dtype, shape)
    got = op.build(ctx)
    if got is None:
        return None
    template, extra, out_dtype, out_shape, diff = got
    operands = [x] + list(extra)
    nonfinite = op.makes_nf or any(
        gen.is_nonfinite(o) if isinstance(o, str)
        else any(v != v or v in (float("inf"), float("-inf")) for v in _flat(o[1]))
        for o in operands)
    return (op.name, template, operands), out_dtype, out_shape, diff, nonfinite
