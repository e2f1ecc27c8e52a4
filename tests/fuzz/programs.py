"""Random TF1 graph programs for the differential fuzzer (tests/test_fuzz_vs_tf.py).

A program is plain data: `Program(seed, steps)`, each step a tuple of strings, numbers and
nested lists/tuples (no TF objects), so it can be printed, shrunk and turned into a standalone
script with `to_script`. `gen_program(seed)` is a pure function of the seed (it only uses
`random.Random(seed)`); keep it that way, and append new behaviour at the end of a choice list
rather than reordering, so that a seed reported by CI still means the same program.

Steps build a graph (variables of float32/float64/int32/int64 and scalar/vector/matrix shapes,
variable_scope reuse, reads, writes, scatter, count_up_to, control dependencies, tf.group,
tf.cond, placeholders, stateless math, tf.gradients, every TF1 optimizer, the global step,
ExponentialMovingAverage, Saver, initializers, report_uninitialized_variables; and, drawn from a
second random stream (see generate), tf.while_loop with a counter and an accumulator whose body
reads variables and may assign_add one, TensorArray writes in a loop then stack/read/gather,
tf.scan/map_fn/foldl/foldr over constants or fed tensors of varying length, tf.case with and
without default/exclusive, and boolean_mask / where(cond) / unique / dynamic_partition /
dynamic_stitch over fed tensors whose lengths change between runs or variables whose values do,
with their static shapes recorded; and, from a third stream, the wide table of stateless ops of
tests/fuzz/wide_ops.py over the program's nodes and placeholders fed ties, kinks, NaN and inf,
their static shapes recorded too) and run it in
one or more Sessions (`sess.run` with random nested fetch structures and feeds, and
`make_callable`). After every run the interpreter fetches, in a separate run, the values of the
variables the generator knows to be initialized in that session.

DETERMINACY RULE
----------------
TF1 runs the unordered ops of one `Session.run` in any order, and a ref variable's reads alias
its buffer (a fetched `v`, `v.read_value()` or an assign's output is the buffer at the end of
the run, and an op consuming such an alias reads the buffer when that op runs). We therefore
generate only runs whose outcome is determinate in TF. The generator keeps a model of the graph
(per node: data + control parents, the variables it reads, writes, read-modify-writes or
initializes, whether its output aliases a variable, how it can fail) and of each session (the
variables certainly initialized, the ones possibly written). For every candidate run it takes
the fetched nodes and their transitive ancestors (data and control edges; a fed tensor cuts
the edges above it), and rejects the run unless:

1. every read of a variable (the variable node itself, i.e. `v` or its snapshot used in an op;
   a `read_value()`; any op consuming an alias of the variable; a gradient, which re-reads the
   forward values of every variable below its `ys`) is ordered against every write of that
   variable in the run by a data or control path, in either direction. Hence `v` itself is
   never fetched or used in a run that writes `v` (nothing can be ordered before the
   variable's own snapshot; and although TF1 nominally reads the snapshot's buffer when each
   consumer runs, grappler's arithmetic rewrites make a consumer ordered after the write by
   data see the old value: `(v + (v.assign(c) - 0.1)) - 0.2` sees the start value of `v`,
   `v + (v.assign(c) - 0.1)` the new one, and the same for an unordered `read_value()`),
   while `read_value()` created under `control_dependencies([write])`, or a write created
   under `control_dependencies([r])` for a read-derived `r`, is fine;
2. two writes of the same variable are ordered too;
3. a fetched tensor aliasing a variable (`read_value()`, `identity` of one, an assign's output)
   has every write of that variable in the run among its ancestors (so "value at read time"
   and "buffer at the end of the run" agree);
4. at most one kind of failure is possible: the ops that may fail (reading or
   read-modify-writing a variable not certainly initialized and not initialized by an
   ancestor in the run, out-of-range scatter indices, count_up_to) all fail with the same
   error class, and if any may fail the run writes nothing except through the single op
   that may fail (so "which ops ran before the error" does not matter);
5. a fed variable is not written in the run and not inspected by ref (initialized_value);
   a fed non-placeholder tensor is not used as a control input, is no ancestor of a gradient
   in the run (our semantic choice: feeding a tensor strictly on a gradient path raises
   NotImplementedError) and aliases no variable; the ops above a fed tensor, which TF may still
   run, neither write nor may fail (nor are placeholders: fetching an op, TF asks for them);
6. an initializer run that also initializes an ExponentialMovingAverage's shadow variable
   does not re-initialize the averaged variable once that may have been written (the
   shadow's initial value reads it through `initialized_value()`).
7. in a run with a gradient G (`tf.gradients`, `compute_gradients`, `minimize`), every write
   of a variable read below G's `ys` is ordered before all those forward reads or after G
   (G in its ancestors). TF1's gradient ops read the forward aliases when they execute, we
   replay each use at the value it saw in the forward pass; a write in between makes TF racy
   and the two differ (the loss having no write among its ancestors, this means after G).
   Conversely a gradient is not ordered after its forward pass (TF's gradient ops need only
   some forward ops: none for a linear loss, so `minimize` may update a variable before a
   fetched loss reads it): for rules 1 and 3 a gradient's ancestors stop at the gradient;
8. no op inside a tf.cond branch of the run writes a variable that is not certainly
   initialized in the session before the run. TF1 initializes it only if that branch is
   taken; we raise NotImplementedError when only one branch assigns it (both branches
   assigning it before reading works, but the failure model above rejects it anyway).

9. loops (tf.while_loop bodies, the functions of scan/map_fn/foldl/foldr): a body's variable
   reads and writes are nodes of their own, ordered after the loop's inputs only when the body
   creates them under `control_dependencies([loop variable])` (TF1's body ops whose inputs are
   loop invariants wait only for the loop's pivot, not for the other loop variables' inputs);
   the loop's outputs come after them. A body that writes runs with parallel_iterations=1
   (TF1 overlaps iterations otherwise), reads a variable it writes under a control dependency
   on the write, and reads it through `read_value()` (a snapshot `v` would be an alias read
   when each iteration runs). A loop input never aliases a variable (the iterations read the
   buffer later). A variable a body reads by ref (RefEnter) is not fed in the run (TF rejects
   it, as RefSwitch in cond). The loop counter is not fetched alone (TF prunes the
   accumulator's ops when only the counter's Exit is needed; we do too since seed 25 was
   fixed, tests/test_loops_vs_tf.py, but the generator's node model does not express it).
10. a tf.case that may fail its checks (no default, or exclusive with several pairs) is a
   failing op for rule 4; its branches count as cond branches (rule 8).

Also, a loss that is differentiated has no write among its ancestors (TF may prune the forward
ops, with their control inputs, when the gradient only needs static shapes), and a gradient or
a composite update (optimizer step, EMA) is never run where it might meet an uninitialized
variable (TF may not read it at all; TF fails halfway through a composite update).

Runs made only of reads are always fine. Ops inside tf.cond branches count as possibly run.
Values are never drawn from TF's random ops (they draw different numbers than TF); all
initial values are constants. Scatter with a bad index puts it first, so TF fails before
touching the variable (TF's CPU kernel updates the rows before a later bad index).
scatter_add/scatter_sub updates are never all zero (TF's grappler removes such an op, and its
index and initialization checks with it).
"""
import random
from dataclasses import dataclass

from tests.fuzz import wide_ops

FLOATS = ("float32", "float64")
INTS = ("int32", "int64")
SHAPES = ([], [2], [3], [2, 3], [3, 2], [2, 2])
OPTIMIZERS = ("GradientDescent", "Momentum", "Adam", "Adagrad", "RMSProp", "Adadelta", "Ftrl",
              "ProximalGradientDescent", "ProximalAdagrad")
SLOTLESS = ("GradientDescent", "ProximalGradientDescent")
MAX_RUNS = 7


@dataclass(frozen=True)
class Program:
    seed: int
    steps: tuple

    def replace(self, steps):
        return Program(self.seed, tuple(steps))


# ----- the graph model ----------------------------------------------------------------------

class _Node:
    def __init__(self, nid, cls, dtype=None, shape=None, parents=(), reads=(), writes=(), rmw=(),
                 inits=(), alias=None, fail=None, dc=None, in_cond=False, has_grad=False,
                 ref_users=(), safe_uninit=False, expand=None, ema_src=None, is_ph=False):
        self.id, self.cls, self.dtype, self.shape = nid, cls, dtype, shape
        self.parents = list(parents)
        self.reads, self.writes, self.rmw = set(reads), set(writes), set(rmw)
        self.inits = set(inits)
        self.alias, self.fail, self.dc = alias, fail, dc
        self.in_cond, self.has_grad = in_cond, has_grad
        self.ref_users, self.safe_uninit = set(ref_users), safe_uninit
        self.expand = expand          # fetching this node fetches these nodes (gvs)
        self.ema_src = ema_src or {}  # shadow var -> averaged var (initializers)
        self.is_ph = is_ph


def _nonzero(value):
    """`value` with its first entry 1 if all its entries are 0 (no random draw)."""
    flat = value if isinstance(value, list) else [value]
    if any(x for row in flat for x in (row if isinstance(row, list) else [row])):
        return value
    if not isinstance(value, list):
        return 1
    if isinstance(value[0], list):
        return [[1] + value[0][1:]] + value[1:]
    return [1] + value[1:]


def _rand_value(rng, dtype, shape):
    def one():
        if dtype in FLOATS:
            return round(rng.uniform(-2, 2), 1)
        return rng.randint(-3, 5)
    if not shape:
        return one()
    if len(shape) == 1:
        return [one() for _ in range(shape[0])]
    return [[one() for _ in range(shape[1])] for _ in range(shape[0])]


class _Gen:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.rng2 = random.Random(seed + 7_919_000_001)  # the ext actions' stream (generate)
        self.rng3 = random.Random(seed + 15_485_863_003)  # the wide ops' stream (generate)
        self.nf_vars = set()  # variables that may hold NaN or inf (wide_ops)
        self.seed = seed
        self.steps = []
        self.nodes = {}
        self.vars = {}        # id -> dict(kind=model|gs|ema|opt, dtype, shape, local, src)
        self.order = []       # node ids in creation order (fetch candidates)
        self.k = 0
        self.sessions = {}    # sid -> dict(init=set, touched=set)
        self.ctrl_used = set()
        self.runs = 0
        self.max_runs = self.rng.randint(3, MAX_RUNS)
        self.opts = {}        # id -> dict(kind, applied, pseudo)
        self.savers = {}      # id -> frozenset of var ids
        self.ckpts = []       # (name, saver id)
        self.gv_names = {}    # (scope, name) -> var id
        self.gs = None
        self.callables = {}   # cid -> (sid, struct, feed ids)
        self.cond_preds = []

    # --- ids and nodes
    def k_of(self, nid):
        return list(self.nodes).index(nid)

    def new_id(self, prefix="x"):
        self.k += 1
        return f"{prefix}{self.k}"

    def add(self, node, fetchable=True):
        self.nodes[node.id] = node
        if fetchable:
            self.order.append(node.id)
        return node

    def model_vars(self, pred=lambda info: True):
        return [v for v, info in self.vars.items() if info["kind"] != "opt" and pred(info)]

    def value_nodes(self, pred=lambda n: True):
        return [i for i in self.order if self.nodes[i].cls in ("var", "tensor") and self.nodes[i].dtype != "bool"
                and pred(self.nodes[i])]

    def is_nonfinite(self, nid):
        """May node `nid` hold NaN or inf? (a wide op or special feed made one upstream, or it
        reads a variable that may hold one)."""
        return any(getattr(self.nodes[a], "own_nf", False) or self.nodes[a].reads & self.nf_vars
                   for a in self.closure([nid]))

    # --- operands
    def consume(self, ids):
        parents, reads, dc = [], set(), set()
        for i in ids:
            if not isinstance(i, str):
                continue  # literal
            n = self.nodes[i]
            parents.append(i)
            if n.alias is not None:
                reads.add(n.alias)
            if n.cls == "var":
                d = {i}
            elif n.dc is None:
                d = None
            else:
                d = set(n.dc) | ({i} if not n.is_ph else {i})
            if d is None or dc is None:
                dc = None
            else:
                dc |= d
        return parents, reads, dc

    def pick(self, pool, recent=0.6):
        if not pool:
            return None
        if len(pool) > 4 and self.rng.random() < recent:
            return self.rng.choice(pool[-4:])
        return self.rng.choice(pool)

    def lit(self, dtype, shape):
        return ("c", _rand_value(self.rng, dtype, shape), dtype)

    # --- variables
    def new_var(self):
        rng = self.rng
        dtype = rng.choice(("float32", "float32", "float32", "float64", "int32", "int64"))
        shape = list(rng.choice(SHAPES))
        local = rng.random() < 0.1
        trainable = rng.random() < (0.85 if dtype in FLOATS else 0.3)
        vid = self.new_id("v")
        name = rng.choice(("v", "w", "b", "v"))
        if rng.random() < 0.5:
            self.steps.append(("Variable", vid, name, dtype, _rand_value(rng, dtype, shape), trainable, local))
        else:
            scope = rng.choice(("s", "t", "s/u"))
            key = (scope, name)
            if key in self.gv_names:
                old = self.gv_names[key]
                mode = rng.choice(("True", "AUTO", "dup"))
                info = self.vars[old]
                self.steps.append(("get_variable_reuse", old, scope, name, info["dtype"], info["shape"], mode))
                return old
            init = rng.choice(("zeros", "ones", "const", "const"))
            c = _rand_value(rng, dtype, [])
            self.steps.append(("get_variable", vid, scope, name, dtype, shape, init, c, trainable, local))
            self.gv_names[key] = vid
        self.vars[vid] = dict(kind="model", dtype=dtype, shape=shape, local=local)
        self.add(_Node(vid, "var", dtype, shape, reads={vid}, alias=vid))
        return vid

    # --- graph-building actions
    def act_math(self, ctrl=()):
        rng = self.rng
        pool = self.value_nodes()
        x = self.pick(pool)
        if x is None:
            return
        xn = self.nodes[x]
        dtype, shape = xn.dtype, xn.shape
        nid = self.new_id()
        r = rng.random()
        if r < 0.25:
            ops = ["square", "negative", "abs"] + (["tanh", "sigmoid", "exp"] if dtype in FLOATS else [])
            op = rng.choice(ops)
            step = ("unary", nid, op, x, list(ctrl))
            ins, out_shape = [x], shape
        elif r < 0.65:
            op = rng.choice(("add", "subtract", "multiply", "maximum"))
            same = [i for i in pool if self.nodes[i].dtype == dtype and self.nodes[i].shape == shape and i != x]
            if same and rng.random() < 0.6:
                y = self.pick(same)
            else:
                y = self.lit(dtype, shape if rng.random() < 0.5 else [])
            if op == "maximum" and isinstance(y, str) and (
                    x in self.nodes[y].parents or y in self.nodes[x].parents):
                # TF's grappler rewrites maximum(x, x * c) into a LeakyRelu that then fails
                # with InvalidArgumentError (seed 2174): a TF bug, not a behaviour to copy.
                op = "add"
            form = rng.choice(("fn", "fn", "operator"))
            step = ("binary", nid, op, x, y, form, list(ctrl))
            ins, out_shape = [x, y], shape
        elif r < 0.8 and dtype in FLOATS and len(shape) == 2:
            mats = [i for i in pool if self.nodes[i].dtype == dtype and len(self.nodes[i].shape or []) == 2
                    and self.nodes[i].shape[0] == shape[1]]
            y = self.pick(mats) if mats and rng.random() < 0.7 else self.lit(dtype, [shape[1], 2])
            ys = self.nodes[y].shape if isinstance(y, str) else [shape[1], 2]
            step = ("matmul", nid, x, y, list(ctrl))
            ins, out_shape = [x, y], [shape[0], ys[1]]
        else:
            axis = rng.choice((None, 0)) if shape else None
            step = ("reduce_sum", nid, x, axis, list(ctrl))
            ins, out_shape = [x], ([] if axis is None else shape[1:])
        parents, reads, dc = self.consume(ins)
        if dtype not in FLOATS:  # abs and maximum too: their gradients at ties are compared
            dc = None
        self.ctrl_used.update(ctrl)
        self.steps.append(step)
        self.add(_Node(nid, "tensor", dtype, out_shape, parents=parents + list(ctrl), reads=reads, dc=dc))
        return nid

    def ctrl_deps(self, p=0.5):
        if self.rng.random() > p:
            return []
        pool = [i for i in self.order if self.nodes[i].cls in ("tensor", "op") and not self.nodes[i].is_ph]
        recent_writes = [i for i in pool if self.nodes[i].writes]
        out = []
        for _ in range(self.rng.randint(1, 2)):
            c = self.pick(recent_writes if recent_writes and self.rng.random() < 0.7 else pool, recent=0.8)
            if c is not None and c not in out:
                out.append(c)
        return out

    def act_read(self):
        v = self.pick(self.model_vars())
        if v is None:
            return
        ctrl = self.ctrl_deps(0.7)
        nid = self.new_id()
        info = self.vars[v]
        if self.rng.random() < 0.8:
            self.steps.append(("read_value", nid, v, ctrl))
            self.add(_Node(nid, "tensor", info["dtype"], info["shape"], parents=ctrl, reads={v}, alias=v,
                           dc={v} if info["dtype"] in FLOATS else None))
        else:
            self.steps.append(("identity", nid, v, ctrl))
            parents, reads, _ = self.consume([v])
            self.add(_Node(nid, "tensor", info["dtype"], info["shape"], parents=parents + ctrl, reads=reads,
                           alias=v, dc=None))
        self.ctrl_used.update(ctrl)
        # more math on top of a read, so that ordered reads feed computations
        if self.rng.random() < 0.4:
            self.act_math_on(nid)

    def act_math_on(self, x):
        xn = self.nodes[x]
        nid = self.new_id()
        op = self.rng.choice(("add", "multiply"))
        y = self.lit(xn.dtype, xn.shape)
        self.steps.append(("binary", nid, op, x, y, "fn", []))
        parents, reads, dc = self.consume([x])
        self.add(_Node(nid, "tensor", xn.dtype, xn.shape, parents=parents, reads=reads,
                       dc=dc if xn.dtype in FLOATS else None))

    def act_assign(self):
        rng = self.rng
        v = self.pick(self.model_vars())
        if v is None:
            return
        info = self.vars[v]
        kind = rng.choice(("assign", "assign_add", "assign_sub"))
        same = [i for i in self.value_nodes() if self.nodes[i].dtype == info["dtype"]
                and self.nodes[i].shape == info["shape"]]
        val = self.pick(same) if same and rng.random() < 0.4 else self.lit(info["dtype"], info["shape"])
        ctrl = self.ctrl_deps(0.4)
        form = rng.choice(("fn", "method"))
        nid = self.new_id()
        self.steps.append(("assign", nid, kind, v, val, form, ctrl))
        if isinstance(val, str) and self.is_nonfinite(val):
            self.nf_vars.add(v)
        parents, reads, _ = self.consume([val])
        self.add(_Node(nid, "tensor", info["dtype"], info["shape"], parents=parents + ctrl, reads=reads,
                       writes={v}, rmw={v} if kind != "assign" else (), inits={v} if kind == "assign" else (),
                       alias=v, dc=None))
        self.ctrl_used.update(ctrl)
        if rng.random() < 0.3:
            self.act_math_on(nid)

    def act_scatter(self):
        rng = self.rng
        vs = self.model_vars(lambda i: len(i["shape"]) >= 1)
        v = self.pick(vs)
        if v is None:
            return
        info = self.vars[v]
        kind = rng.choice(("scatter_update", "scatter_add", "scatter_sub"))
        n = info["shape"][0]
        k = rng.randint(1, n)
        if kind == "scatter_update":
            idx = rng.sample(range(n), k)
        else:
            idx = [rng.randrange(n) for _ in range(k)]
        bad = rng.random() < 0.2
        if bad:
            idx[0] = rng.choice((n, n + 2, -1))
        upd = _rand_value(rng, info["dtype"], [k] + info["shape"][1:])
        if kind != "scatter_update" and not any(x for row in upd for x in (row if isinstance(row, list) else [row])):
            # TF's grappler drops a scatter_add/sub of zeros, with its index and initialization
            # checks; make one update nonzero (no rng draw, so the rest of the program is kept).
            upd[0] = [1] * len(upd[0]) if isinstance(upd[0], list) else 1
        ctrl = self.ctrl_deps(0.3)
        nid = self.new_id()
        self.steps.append(("scatter", nid, kind, v, idx, upd, info["dtype"], ctrl))
        self.add(_Node(nid, "tensor", info["dtype"], info["shape"], parents=list(ctrl), writes={v}, rmw={v},
                       alias=v, fail="InvalidArgumentError" if bad else None))
        self.ctrl_used.update(ctrl)

    def act_count_up_to(self):
        vs = self.model_vars(lambda i: i["dtype"] in INTS and i["shape"] == [] and i["kind"] == "model")
        v = self.pick(vs)
        if v is None:
            return
        limit = self.rng.randint(-1, 6)
        nid = self.new_id()
        self.steps.append(("count_up_to", nid, v, limit, self.rng.choice(("fn", "method"))))
        self.add(_Node(nid, "tensor", self.vars[v]["dtype"], [], writes={v}, rmw={v}, fail="OutOfRangeError"))

    def act_group(self):
        pool = [i for i in self.order if self.nodes[i].cls in ("tensor", "op") and not self.nodes[i].is_ph]
        if not pool:
            return
        ins = []
        for _ in range(self.rng.randint(1, 3)):
            c = self.pick(pool)
            if c not in ins:
                ins.append(c)
        nid = self.new_id()
        self.steps.append(("group", nid, ins))
        self.ctrl_used.update(ins)
        self.add(_Node(nid, "op", parents=ins))

    def placeholder(self, dtype, shape):
        nid = self.new_id("p")
        self.steps.append(("placeholder", nid, dtype, shape))
        self.add(_Node(nid, "tensor", dtype, shape, dc=set(), is_ph=True))
        return nid

    def act_placeholder(self):
        dtype = self.rng.choice(("float32", "float32", "float64", "int32"))
        x = self.placeholder(dtype, list(self.rng.choice(SHAPES)))
        # use it at once so that it is reachable
        xn = self.nodes[x]
        nid = self.new_id()
        same = self.model_vars(lambda i: i["dtype"] == dtype and i["shape"] == xn.shape)
        if same and self.rng.random() < 0.7:
            v = self.pick(same)
            use = v
            if self.rng.random() < 0.5:
                use = self.new_id()
                self.steps.append(("read_value", use, v, []))
                self.add(_Node(use, "tensor", dtype, xn.shape, reads={v}, alias=v,
                               dc={v} if dtype in FLOATS else None))
            y = use
        else:
            y = self.lit(dtype, xn.shape)
        self.steps.append(("binary", nid, "multiply", x, y, "fn", []))
        parents, reads, dc = self.consume([x, y])
        self.add(_Node(nid, "tensor", dtype, xn.shape, parents=parents, reads=reads,
                       dc=dc if dtype in FLOATS else None))

    def act_cond(self):
        rng = self.rng
        vs = self.model_vars(lambda i: i["kind"] == "model")
        v = self.pick(vs)
        if v is None:
            return
        info = self.vars[v]
        dtype, shape = info["dtype"], info["shape"]
        others = [w for w in vs if self.vars[w]["dtype"] == dtype and self.vars[w]["shape"] == shape]
        if not self.cond_preds or rng.random() < 0.3:
            self.cond_preds.append(self.placeholder("bool", []))
        pred = rng.choice(self.cond_preds)
        nid = self.new_id()
        branches, parents = [], [pred]
        for tag in ("t", "f"):
            kind = rng.choice(("read", "assign_add", "assign", "const"))
            w = rng.choice(others)
            bid = f"{nid}_{tag}"
            if kind == "read":
                spec = ("read", w, _rand_value(rng, dtype, shape))
                node = _Node(bid, "tensor", parents=[pred], reads={w}, in_cond=True)
            elif kind == "assign_add":
                spec = ("assign_add", w, _rand_value(rng, dtype, shape))
                node = _Node(bid, "tensor", parents=[pred], reads={w}, writes={w}, rmw={w}, in_cond=True)
            elif kind == "assign":
                spec = ("assign", w, _rand_value(rng, dtype, shape))
                node = _Node(bid, "tensor", parents=[pred], reads={w}, writes={w}, inits={w}, in_cond=True)
            else:
                spec = ("const", _rand_value(rng, dtype, shape))
                node = _Node(bid, "tensor", parents=[pred], in_cond=True)
            self.add(node, fetchable=False)
            branches.append(spec)
            parents.append(bid)
        self.steps.append(("cond", nid, pred, branches[0], branches[1], dtype))
        self.add(_Node(nid, "tensor", dtype, shape, parents=parents, dc=None))

    def act_initialized_value(self):
        v = self.pick(self.model_vars(lambda i: i["kind"] == "model"))
        if v is None:
            return
        nid = self.new_id()
        info = self.vars[v]
        self.steps.append(("initialized_value", nid, v))
        self.add(_Node(nid, "tensor", info["dtype"], info["shape"], reads={v}, alias=v, safe_uninit=True,
                       ref_users={v}, dc=None))

    def loss_candidates(self):
        # No write among the loss's ancestors: TF's gradient graph may not need the forward values
        # (grappler folds their shapes), and then TF prunes the forward ops with their control
        # inputs, so a write ordered before the forward pass may or may not run.
        return [i for i in self.value_nodes(lambda n: n.cls == "tensor" and n.dtype in FLOATS and n.dc)
                if any(d in self.vars for d in self.nodes[i].dc)
                and not any(self.nodes[a].writes for a in self.closure([i]))]

    def make_scalar(self, y):
        n = self.nodes[y]
        if n.shape == []:
            return y
        nid = self.new_id()
        self.steps.append(("reduce_sum", nid, y, None, []))
        self.add(_Node(nid, "tensor", n.dtype, [], parents=[y], dc=set(n.dc) | {y}))
        return nid

    def closure(self, roots, fed=frozenset(), cut_grad=False):
        """`roots` and their ancestors. With `cut_grad`, the edge from a gradient (a has_grad node
        that reads: tf.gradients, compute_gradients, minimize) to its loss is not followed: TF's
        gradient ops need only some forward ops (none for a linear loss), so a gradient is not
        ordered after its forward pass."""
        seen, stack = set(), list(roots)
        while stack:
            n = stack.pop()
            if n in seen:
                continue
            seen.add(n)
            if n in fed:
                continue
            node = self.nodes[n]
            if cut_grad and node.has_grad and node.reads:
                continue
            stack.extend(node.parents)
        return seen

    def grad_reads(self, y):
        reads = set()
        for n in self.closure([y]):
            reads |= self.nodes[n].reads
        return reads

    def act_gradients(self):
        cands = self.loss_candidates()
        y = self.pick(cands)
        if y is None:
            return
        if self.rng.random() < 0.5:
            y = self.make_scalar(y)
        dc = sorted(self.nodes[y].dc, key=lambda i: self.order.index(i) if i in self.order else 0)
        xs = self.rng.sample(dc, self.rng.randint(1, min(3, len(dc))))
        gids = [self.new_id("g") for _ in xs]
        self.steps.append(("gradients", gids, y, xs))
        reads = self.grad_reads(y)
        for g, x in zip(gids, xs):
            xn = self.nodes[x]
            cls = "dyn" if xn.cls == "dyn" else "tensor"  # w.r.t. a tensor of varying length
            self.add(_Node(g, cls, xn.dtype, xn.shape, parents=[y], reads=reads, has_grad=True, dc=None))

    def act_global_step(self):
        if self.gs is None:
            gid = self.new_id("v")
            self.steps.append(("global_step", gid))
            self.gs = gid
            self.vars[gid] = dict(kind="gs", dtype="int64", shape=[], local=False)
            self.add(_Node(gid, "var", "int64", [], reads={gid}, alias=gid))
        return self.gs

    def act_optimizer(self):
        rng = self.rng
        cands = [y for y in self.loss_candidates()]
        y = self.pick(cands)
        if y is None:
            return
        y = self.make_scalar(y)
        kind = rng.choice(OPTIMIZERS)
        if kind.startswith("Proximal") and self.nodes[y].dtype != "float32":
            kind = "GradientDescent"  # TF1's proximal kernels reject float64 (float32 alpha)
        kw = {"learning_rate": rng.choice((0.1, 0.05, 0.5))}
        if kind == "Momentum":
            kw.update(momentum=rng.choice((0.9, 0.5)), use_nesterov=rng.random() < 0.5)
        elif kind == "RMSProp":
            kw.update(decay=0.9, momentum=rng.choice((0.0, 0.5)), centered=rng.random() < 0.5)
        elif kind == "Adam":
            if rng.random() < 0.5:
                kw.update(beta1=0.8, beta2=0.95, epsilon=1e-7)
        elif kind == "Adadelta":
            kw.update(learning_rate=1.0, rho=0.9)
        elif kind == "Ftrl":
            kw.update(l1_regularization_strength=rng.choice((0.0, 0.01)),
                      l2_regularization_strength=rng.choice((0.0, 0.1)))
        elif kind in ("ProximalGradientDescent", "ProximalAdagrad"):
            kw.update(l1_regularization_strength=rng.choice((0.0, 0.01)),
                      l2_regularization_strength=rng.choice((0.0, 0.1)))
        oid = self.new_id("o")
        self.steps.append(("optimizer", oid, kind, kw))
        pseudo = None
        if kind not in SLOTLESS:
            pseudo = oid + "_slots"
        self.opts[oid] = dict(kind=kind, pseudo=pseudo)
        var_dc = [d for d in sorted(self.nodes[y].dc) if d in self.vars]
        var_list = rng.sample(var_dc, rng.randint(1, len(var_dc)))
        if self.is_nonfinite(y):
            self.nf_vars |= set(var_list)
        gs = self.act_global_step() if rng.random() < 0.4 else None
        writes = set(var_list) | ({pseudo} if pseudo else set()) | ({gs} if gs else set())
        reads = self.grad_reads(y)
        if rng.random() < 0.5:
            nid = self.new_id()
            self.steps.append(("minimize", nid, oid, y, var_list, gs))
            self.add(_Node(nid, "op", parents=[y], reads=reads, writes=writes, rmw=writes, has_grad=True))
        else:
            gvs = self.new_id("gvs")
            gids = [self.new_id("g") for _ in var_list]
            self.steps.append(("compute_gradients", gvs, gids, oid, y, var_list))
            for g, v in zip(gids, var_list):
                self.add(_Node(g, "tensor", self.vars[v]["dtype"], self.vars[v]["shape"], parents=[y],
                               reads=reads, has_grad=True))
            self.add(_Node(gvs, "gvs", parents=gids + var_list, expand=gids + var_list, has_grad=True))
            if rng.random() < 0.2:
                return  # gradients only
            nid = self.new_id()
            self.steps.append(("apply_gradients", nid, oid, gvs, gs))
            self.add(_Node(nid, "op", parents=gids, writes=writes, rmw=writes, has_grad=True))
        if pseudo:
            self.vars[pseudo] = dict(kind="opt", opt=oid, local=False)

    def act_ema(self):
        vs = self.model_vars(lambda i: i["dtype"] in FLOATS and i["kind"] == "model" and not i["local"])
        if not vs:
            return
        chosen = self.rng.sample(vs, self.rng.randint(1, min(2, len(vs))))
        eid = self.new_id("e")
        use_gs = self.rng.random() < 0.3
        gs = self.act_global_step() if use_gs else None
        self.steps.append(("ema", eid, self.rng.choice((0.9, 0.5)), gs))
        nid = self.new_id()
        self.steps.append(("ema_apply", nid, eid, chosen))
        avgs = []
        for v in chosen:
            aid = self.new_id("v")
            self.steps.append(("ema_average", aid, eid, v))
            info = self.vars[v]
            self.vars[aid] = dict(kind="ema", dtype=info["dtype"], shape=info["shape"], local=False, src=v)
            if v in self.nf_vars:
                self.nf_vars.add(aid)
            self.add(_Node(aid, "var", info["dtype"], info["shape"], reads={aid}, alias=aid))
            avgs.append(aid)
        parents, reads, _ = self.consume(chosen + ([gs] if gs else []))
        self.add(_Node(nid, "op", parents=parents, reads=reads, writes=set(avgs), rmw=set(avgs)))

    def init_node(self, kind, var_ids):
        nid = self.new_id("i")
        if kind == "init_vars":
            self.steps.append(("init_vars", nid, var_ids))
        else:
            self.steps.append((kind, nid))
        ema_src = {a: self.vars[a]["src"] for a in var_ids if self.vars[a]["kind"] == "ema"}
        self.add(_Node(nid, "op", writes=set(var_ids), inits=set(var_ids), reads=set(ema_src.values()),
                       ref_users=set(ema_src.values()), safe_uninit=True, ema_src=ema_src))
        return nid

    def act_init(self, kind=None):
        kind = kind or self.rng.choice(("init_global", "init_vars", "init_vars", "init_local"))
        if kind == "init_global":
            ids = [v for v, i in self.vars.items() if not i["local"]]
        elif kind == "init_local":
            ids = [v for v, i in self.vars.items() if i["local"]]
        else:
            pool = [v for v, i in self.vars.items() if i["kind"] != "opt"]
            if not pool:
                return None
            ids = self.rng.sample(pool, self.rng.randint(1, len(pool)))
        return self.init_node(kind, ids)

    # --- sessions and runs
    def new_session(self):
        sid = f"sess{len(self.sessions)}"
        self.steps.append(("session", sid))
        self.sessions[sid] = dict(init=set(), touched=set())
        return sid

    def check_list(self, sid):
        init = self.sessions[sid]["init"]
        vs = [v for v in self.vars if v in init and self.vars[v]["kind"] != "opt"]
        os_ = [o for o, i in self.opts.items() if i["pseudo"] and i["pseudo"] in init]
        return [vs, os_]

    def analyse(self, sid, leaves, fed):
        """(ok, may_fail, A) for fetching `leaves` with `fed` node ids fed, in session `sid`."""
        sess = self.sessions[sid]
        flat = []
        for leaf in leaves:
            n = self.nodes[leaf]
            flat.extend(n.expand if n.expand else [leaf])
        A = self.closure(leaves, fed)
        memo = {}

        def anc(n):  # the ops ordered before n (a gradient is not ordered after its forward pass)
            if n not in memo:
                memo[n] = self.closure([n], fed, cut_grad=True)
            return memo[n]

        def ordered(a, b):
            return a in anc(b) or b in anc(a)

        fed_vars = {f for f in fed if f in self.vars}
        writes = [(n, x) for n in A for x in self.nodes[n].writes]
        # Reads whose values the run observes (fetched or used by ops other than gradients); the
        # forward reads seen only by a gradient are the gradient's reads (rule 7).
        observed = self.closure(leaves, fed, cut_grad=True)
        reads = [(n, x) for n in observed for x in self.nodes[n].reads]
        for w, x in writes:
            if x in fed_vars:
                return False, False, A
            if x in A:
                # `v` itself (its snapshot used in an op, or fetched) cannot be ordered against a
                # write: in TF it is a view of the buffer, and although a consumer ordered after
                # the write should see it, grappler's rewrites make TF see the old value when
                # the consumer feeds further arithmetic (seed 3223: (v + f(assign)) - c).
                return False, False, A
            for r, y in reads:
                if y == x and r != w and not ordered(r, w):
                    return False, False, A
            for w2, y in writes:
                if y == x and w2 != w and not ordered(w, w2):
                    return False, False, A
        # Rule 7: TF's gradient ops read the forward aliases when they run; we replay the forward
        # values. A write of a variable read below G's ys must precede those reads or follow G.
        for g in A:
            gn = self.nodes[g]
            if not (gn.has_grad and gn.reads):
                continue
            fwd = [r for r in self.closure([g], fed) if r != g]
            for w, x in writes:
                if w == g or x not in gn.reads or g in anc(w):
                    continue
                if any(x in self.nodes[r].reads and w not in anc(r) for r in fwd):
                    return False, False, A
        for leaf in flat:
            x = self.nodes[leaf].alias
            if x is not None and leaf not in fed:
                for w, y in writes:
                    if y == x and w not in anc(leaf):
                        return False, False, A
        for n in A:
            node = self.nodes[n]
            if node.in_cond and node.reads & fed_vars:
                return False, False, A  # TF: a fed ref variable cannot enter a cond (RefSwitch)
            if node.ref_users & fed_vars:
                return False, False, A
            if node.in_cond and node.writes - sess["init"]:
                return False, False, A  # rule 8: TF initializes it only if that branch is taken
            for avg, src in node.ema_src.items():
                if src in node.writes and src in sess["touched"]:
                    return False, False, A
        # TF may still run the ops above a fed tensor (it did run an AssignSub feeding only a fed
        # Mul): they must not write or fail.
        for n in self.closure(leaves) - A:
            node = self.nodes[n]
            if node.writes or node.fail or (node.reads - fed_vars - sess["init"]) or node.is_ph:
                return False, False, A
        fails = []
        for n in A:
            node = self.nodes[n]
            need = set(node.rmw) | (set() if node.safe_uninit else set(node.reads))
            need -= fed_vars
            need -= sess["init"]
            if need:
                # initialized earlier in this run by an ancestor?
                for a in anc(n):
                    if a != n and not self.nodes[a].in_cond:
                        need -= self.nodes[a].inits
            label = []
            if need and (node.has_grad or len(node.writes) > 1):
                # A gradient may not need the value (TF then does not read it), and TF's composite
                # updates (optimizers, EMA) fail halfway; we run a step all or nothing.
                return False, True, A
            if need:
                label.append("FailedPreconditionError")
            if node.fail:
                label.append(node.fail)
            if label:
                fails.append((n, "|".join(label)))
        if fails:
            if len({lab for _, lab in fails}) > 1:
                return False, True, A
            if writes and (len(fails) > 1 or any(w != fails[0][0] for w, _ in writes)):
                return False, True, A
        return True, bool(fails), A

    def after_run(self, sid, A, may_fail):
        sess = self.sessions[sid]
        for n in A:
            node = self.nodes[n]
            sess["touched"] |= node.writes
            if not may_fail and not node.in_cond:
                sess["init"] |= node.inits

    def rand_struct(self, leaves):
        rng = self.rng
        items = [("node", leaf) for leaf in leaves]
        if rng.random() < 0.15 and len(items) >= 1:
            items.append(rng.choice(items))  # duplicate
        rng.shuffle(items)
        while len(items) > 1 and rng.random() < 0.5:
            k = rng.randint(1, len(items))
            i = rng.randrange(len(items) - k + 1)
            group = items[i:i + k]
            kind = rng.choice(("list", "tuple", "dict"))
            if kind == "dict":
                sub = ("dict", [(f"k{j}", s) for j, s in enumerate(group)])
            else:
                sub = (kind, group)
            items[i:i + k] = [sub]
        if len(items) == 1 and rng.random() < 0.4:
            return items[0]
        kind = rng.choice(("list", "list", "tuple", "dict"))
        if kind == "dict":
            return ("dict", [(f"k{j}", s) for j, s in enumerate(items)])
        return (kind, items)

    def feed_value(self, nid):
        n = self.nodes[nid]
        if n.dtype == "bool":
            return self.rng.random() < 0.5
        if hasattr(n, "special"):  # a wide op's placeholder: ties, kinks (NaN, inf)
            return wide_ops.special_value(self.rng, n.dtype, n.shape, n.special)
        if n.shape and n.shape[0] is None:
            # a tensor of varying length (0 to 4 rows; at least 1 with a row shape, since an
            # empty nested list has no row shape)
            length = self.rng.randint(len(n.shape) - 1, 4)
            return _rand_value(self.rng, n.dtype, [length] + n.shape[1:])
        return _rand_value(self.rng, n.dtype, n.shape)

    def choose_fetch(self, sid, read_only=False):
        rng = self.rng
        pool = [i for i in self.order if self.nodes[i].cls in ("var", "tensor", "op", "gvs", "dyn")
                and not self.nodes[i].is_ph]
        if read_only:
            pool = [i for i in pool if not any(self.nodes[a].writes for a in self.closure([i]))]
        if not pool:
            return None
        leaves = []
        for _ in range(rng.randint(1, 4)):
            leaf = self.pick(pool, recent=0.7)
            leaves.append(leaf)
        fed = set()
        if not read_only and rng.random() < 0.3:
            A0 = sorted(self.closure(leaves), key=self.k_of)  # sets: sort before choosing (hash seeds)
            grads = [a for a in A0 if self.nodes[a].has_grad]
            grad_anc = self.closure(grads) if grads else set()
            cands = [a for a in A0 if a in self.vars and self.vars[a]["kind"] == "model"]
            cands += [a for a in A0 if self.nodes[a].cls == "tensor" and not self.nodes[a].is_ph
                      and a not in self.ctrl_used and a not in grad_anc and self.nodes[a].alias is None
                      and not self.nodes[a].writes and not self.nodes[a].in_cond
                      and not self.nodes[a].has_grad and self.nodes[a].dtype != "bool"]
            if cands:
                fed.add(rng.choice(cands))
        A = self.closure(leaves, fed)
        fed |= {a for a in A if self.nodes[a].is_ph}
        ok, may_fail, A = self.analyse(sid, leaves, fed)
        if not ok:
            return None
        return leaves, fed, A, may_fail

    def run_step(self, sid):
        for _ in range(25):
            got = self.choose_fetch(sid)
            if got:
                break
        else:
            got = self.choose_fetch(sid, read_only=True)
            if not got:
                return
        leaves, fed, A, may_fail = got
        struct = self.rand_struct(leaves)
        feeds = [(f, self.feed_value(f), self.nodes[f].dtype) for f in sorted(fed, key=self.k_of)]
        if self.rng.random() < 0.15:
            cid = self.new_id("c")
            feed_ids = [f for f, _, _ in feeds]
            self.steps.append(("make_callable", cid, sid, struct, feed_ids))
            for _ in range(self.rng.randint(1, 2)):
                vals = [(self.feed_value(f), self.nodes[f].dtype) for f in feed_ids]
                self.after_run(sid, A, may_fail)
                self.steps.append(("call", cid, sid, vals, self.check_list(sid)))
                self.runs += 1
            return
        self.after_run(sid, A, may_fail)
        self.steps.append(("run", sid, struct, feeds, self.check_list(sid)))
        self.runs += 1

    def run_init(self, sid, kind=None):
        nid = self.act_init(kind)
        if nid is None:
            return
        ok, may_fail, A = self.analyse(sid, [nid], set())
        if ok:
            self.after_run(sid, A, may_fail)
            self.steps.append(("run", sid, ("node", nid), [], self.check_list(sid)))
            self.runs += 1

    def act_saver(self, sid):
        rng = self.rng
        if not self.savers or rng.random() < 0.3:
            glob = [v for v, i in self.vars.items() if not i["local"]]
            if not glob:
                return
            sv = self.new_id("saver")
            if rng.random() < 0.6:
                self.steps.append(("saver", sv, None))
                self.savers[sv] = frozenset(glob)
            else:
                mv = [v for v in glob if self.vars[v]["kind"] != "opt"]
                if not mv:
                    return
                lst = rng.sample(mv, rng.randint(1, len(mv)))
                self.steps.append(("saver", sv, lst))
                self.savers[sv] = frozenset(lst)
        sv = rng.choice(sorted(self.savers))
        sess = self.sessions[sid]
        restorable = [(name, s) for name, s in self.ckpts if self.savers[sv] <= self.savers[s]]
        if restorable and rng.random() < 0.6:
            name, _ = rng.choice(restorable)
            sess["init"] |= self.savers[sv]
            sess["touched"] |= self.savers[sv]
            self.steps.append(("restore", sid, sv, name, self.check_list(sid)))
            self.runs += 1
        elif self.savers[sv] <= sess["init"] or rng.random() < 0.1:
            name = f"ckpt{len(self.ckpts)}"
            self.steps.append(("save", sid, sv, name))
            if self.savers[sv] <= sess["init"]:
                self.ckpts.append((name, sv))
            self.runs += 1

    def act_report(self, sid):
        nid = self.new_id("r")
        allv = [v for v, i in self.vars.items()]
        self.steps.append(("report_uninit", nid))
        self.add(_Node(nid, "tensor", "string", None, reads=set(allv), safe_uninit=True, ref_users=set(allv)),
                 fetchable=False)
        self.steps.append(("report_run", sid, nid))
        self.runs += 1

    # --- loops, functional ops, tf.case, data-dependent shapes (the "ext" actions; drawn from
    # their own random stream, see generate)
    def _acc_source(self, dtype, shape):
        """A loop input of `dtype`/`shape`: a literal or a value node that aliases no variable
        (an aliasing tensor entering a loop is read by the iterations, later than the loop's
        inputs: TF would see writes made inside the loop)."""
        same = [i for i in self.value_nodes(lambda n: n.cls == "tensor" and n.alias is None
                                            and not n.writes)
                if self.nodes[i].dtype == dtype and self.nodes[i].shape == shape]
        if same and self.rng.random() < 0.5:
            return self.pick(same)
        return self.lit(dtype, shape)

    def _body_read(self, nid, v, mode, anchor_parents, after=()):
        """The model of a variable read inside a loop body (`mode` 'read_value'), a separate
        node: without an anchor (a control dependency on a loop variable) TF runs it as soon as
        the loop's pivot allows, not after the loop's inputs."""
        if v is None or mode != "read_value":
            return []
        # ref_users: TF reads it through a RefEnter, which rejects a fed variable
        # (InvalidArgumentError "expected float_ref", seeds 100169, 100645; as RefSwitch in cond)
        node = self.add(_Node(f"{nid}_r", "tensor", parents=list(anchor_parents) + list(after),
                              reads={v}, ref_users={v}), fetchable=False)
        return [node.id]

    def act_while(self):
        """tf.while_loop over (counter, accumulator): the body reads a variable (read_value or
        its snapshot) and may assign_add a variable under a control dependency. A body that
        writes runs with parallel_iterations=1 (else TF1 overlaps iterations: racy)."""
        rng = self.rng
        v = self.pick(self.model_vars(lambda i: i["kind"] == "model"))
        if v is None:
            return
        info = self.vars[v]
        dtype, shape = info["dtype"], info["shape"]
        acc0 = self._acc_source(dtype, shape)
        n = rng.randint(1, 4)
        max_iter = rng.choice((None, None, rng.randint(1, 4)))
        w = delta = None
        if rng.random() < 0.4:
            w = self.pick(self.model_vars(lambda i: i["kind"] == "model"))
            winfo = self.vars[w]
            delta = _rand_value(rng, winfo["dtype"], winfo["shape"])
            delta = _nonzero(delta)  # no AssignAdd of zeros (grappler may drop it)
        mode = "snapshot" if (w != v and rng.random() < 0.3) else "read_value"
        anchor = rng.random() < 0.5
        par = 1 if w is not None else rng.choice((1, 10, None))
        c = rng.choice((0.5, 1.0, -1.0)) if dtype in FLOATS else rng.choice((1, 2, -1))
        nid, cid = self.new_id(), self.new_id()
        self.steps.append(("while", nid, cid, acc0, v, mode, w, delta, n, max_iter, par, anchor, c,
                           dtype, self.vars[w]["dtype"] if w else None))
        in_parents, in_reads, in_dc = self.consume([acc0] + ([v] if mode == "snapshot" else []))
        anchor_par = [p for p in self.consume([acc0])[0]] if anchor else []
        inner = []
        if w is not None:
            self.add(_Node(f"{nid}_w", "tensor", parents=anchor_par, reads={w}, writes={w}, rmw={w},
                           ref_users={w}), fetchable=False)
            inner.append(f"{nid}_w")
        inner += self._body_read(nid, v, mode, anchor_par, after=inner)
        dc = None
        if max_iter is not None and dtype in FLOATS and in_dc is not None:
            dc = set(in_dc) | {v}
        self.add(_Node(nid, "tensor", dtype, shape, parents=in_parents + inner, reads=in_reads, dc=dc))
        # The counter is never fetched: its Exit depends only on the counter's chain, so TF
        # prunes the accumulator's ops (the body's reads and writes with them) when the counter
        # is fetched without the accumulator. We do too (seed 25, fixed), but the node model
        # here would need the pruning to know which writes a run makes.
        self.add(_Node(cid, "tensor", "int32", [], dc=None), fetchable=False)

    def act_ta_loop(self):
        """A TensorArray written in a while loop (element i = i * c + a variable read), then
        stacked, read or gathered."""
        rng = self.rng
        v = self.pick(self.model_vars(lambda i: i["kind"] == "model"))
        if v is None:
            return
        info = self.vars[v]
        dtype, shape = info["dtype"], info["shape"]
        n = rng.randint(1, 4)
        max_iter = rng.choice((None, None, rng.randint(1, 4)))
        mode = rng.choice(("read_value", "read_value", "snapshot"))
        par = rng.choice((1, 10, None))
        c = rng.choice((0.5, 1.0, -1.0)) if dtype in FLOATS else rng.choice((1, 2, -1))
        out = rng.choice(("stack", "stack", "read", "gather"))
        iters = n if max_iter is None else min(n, max_iter)
        if out == "read":
            k = rng.randrange(n)
            arg, out_shape = k, shape
        elif out == "gather":
            # distinct indices: TF1's TensorArray (clear_after_read) rejects reading an element
            # twice, which we do not enforce (a documented difference; seed 100024)
            arg = rng.sample(range(n), rng.randint(1, n))
            out_shape = [len(arg)] + shape
        else:
            arg, out_shape = None, [n] + shape
        nid = self.new_id()
        self.steps.append(("ta_loop", nid, v, mode, n, max_iter, par, c, dtype, out, arg, shape))
        in_parents, in_reads, in_dc = self.consume([v] if mode == "snapshot" else [])
        inner = self._body_read(nid, v, mode, [])
        unwritten = iters < n
        dc = None
        if max_iter is not None and dtype in FLOATS:
            dc = set(in_dc or ()) | {v}
        # rank 3 (a stack of matrices): fetched only, not an operand (_rand_value makes no
        # rank-3 literals; seed 200324)
        cls = "dyn" if len(out_shape) > 2 else "tensor"
        self.add(_Node(nid, cls, dtype, out_shape, parents=in_parents + inner, reads=in_reads,
                       dc=dc, fail="InvalidArgumentError" if unwritten else None))

    def dyn_placeholder(self, dtype, tail):
        nid = self.new_id("p")
        self.steps.append(("placeholder", nid, dtype, [None] + list(tail)))
        self.add(_Node(nid, "dyn", dtype, [None] + list(tail), dc=set(), is_ph=True))
        return nid

    def act_functional(self):
        """tf.scan / map_fn / foldl / foldr over a small constant or a fed tensor of varying
        length; the function may read a variable (only reads: these loops run with TF's
        default parallel_iterations)."""
        rng = self.rng
        kind = rng.choice(("scan", "map_fn", "foldl", "foldr"))
        dtype = rng.choice(("float32", "float32", "float64", "int32"))
        tail = rng.choice(([], [], [2]))
        fed = rng.random() < 0.4
        if fed:
            elems = self.dyn_placeholder(dtype, tail)
        else:
            elems = self.lit(dtype, [rng.randint(1, 4)] + tail)
        init = None
        if kind != "map_fn" and rng.random() < 0.7:
            init = self._acc_source(dtype, tail)
        vs = self.model_vars(lambda i: i["kind"] == "model" and i["dtype"] == dtype
                             and i["shape"] in ([], tail))
        v = self.pick(vs) if vs and rng.random() < 0.7 else None
        mode = rng.choice(("read_value", "read_value", "snapshot")) if v else None
        anchor = rng.random() < 0.5
        c = rng.choice((0.5, 1.0, -1.0)) if dtype in FLOATS else rng.choice((1, 2, -1))
        nid = self.new_id()
        self.steps.append(("functional", nid, kind, elems, init, v, mode, anchor, c, dtype))
        ins = [elems] + ([init] if init is not None else []) + ([v] if mode == "snapshot" else [])
        parents, reads, in_dc = self.consume(ins)
        anchor_par = self.consume([elems])[0] if anchor else []
        inner = self._body_read(nid, v, mode, anchor_par)
        dc = None
        if not fed and dtype in FLOATS and in_dc is not None:
            dc = set(in_dc) | ({v} if v else set())
        if kind in ("scan", "map_fn"):
            n = None if fed else len(elems[1])
            out_shape, cls = [n] + tail, "dyn" if fed else "tensor"
        else:
            out_shape, cls = tail, "tensor"
        # scan/foldl/foldr without an initializer read element 0: fail on an empty fed tensor
        fail = "InvalidArgumentError" if fed and init is None and kind != "map_fn" else None
        self.add(_Node(nid, cls, dtype, out_shape, parents=parents + inner, reads=reads, dc=dc,
                       fail=fail))

    def act_case(self):
        """tf.case over bool placeholders, with or without default / exclusive; branches read,
        assign, assign_add or return a constant (as act_cond)."""
        rng = self.rng
        vs = self.model_vars(lambda i: i["kind"] == "model")
        v = self.pick(vs)
        if v is None:
            return
        info = self.vars[v]
        dtype, shape = info["dtype"], info["shape"]
        others = [w for w in vs if self.vars[w]["dtype"] == dtype and self.vars[w]["shape"] == shape]
        npairs = rng.randint(1, 3)
        while len(self.cond_preds) < npairs or rng.random() < 0.2:
            self.cond_preds.append(self.placeholder("bool", []))
        preds = rng.sample(self.cond_preds, npairs)
        has_default = rng.random() < 0.7
        exclusive = rng.random() < 0.3
        nid = self.new_id()
        specs, branch_ids = [], []
        for j in range(npairs + (1 if has_default else 0)):
            kind = rng.choice(("read", "read", "const", "const", "assign_add", "assign"))
            w = rng.choice(others)
            bid = f"{nid}_b{j}"
            parents = preds[:j + 1]
            if kind == "read":
                spec = ("read", w, _rand_value(rng, dtype, shape))
                node = _Node(bid, "tensor", parents=parents, reads={w}, in_cond=True)
            elif kind == "assign_add":
                spec = ("assign_add", w, _rand_value(rng, dtype, shape))
                node = _Node(bid, "tensor", parents=parents, reads={w}, writes={w}, rmw={w},
                             in_cond=True)
            elif kind == "assign":
                spec = ("assign", w, _rand_value(rng, dtype, shape))
                node = _Node(bid, "tensor", parents=parents, reads={w}, writes={w}, inits={w},
                             in_cond=True)
            else:
                spec = ("const", _rand_value(rng, dtype, shape))
                node = _Node(bid, "tensor", parents=parents, in_cond=True)
            self.add(node, fetchable=False)
            specs.append(spec)
            branch_ids.append(bid)
        pairs = list(zip(preds, specs[:npairs]))
        default = specs[npairs] if has_default else None
        self.steps.append(("case", nid, pairs, default, exclusive, dtype))
        may_fail = not has_default or (exclusive and npairs > 1)
        self.add(_Node(nid, "tensor", dtype, shape, parents=list(preds) + branch_ids, dc=None,
                       fail="InvalidArgumentError" if may_fail else None))

    def act_data_dependent(self):
        """boolean_mask / where(cond) / unique / dynamic_partition / dynamic_stitch over a fed
        tensor of varying length or a static tensor whose values change; sometimes reduced to
        a static-shaped scalar that later actions use."""
        rng = self.rng
        pool = [i for i in self.value_nodes(lambda n: len(n.shape or []) >= 1 and n.dtype != "string")]
        if pool and rng.random() < 0.4:
            x = self.pick(pool)
        else:
            x = self.dyn_placeholder(rng.choice(("float32", "float32", "float64", "int32")),
                                     rng.choice(([], [], [2])))
        xn = self.nodes[x]
        dtype = xn.dtype
        c = _rand_value(rng, dtype, [])
        kind = rng.choice(("boolean_mask", "where", "unique", "dynamic_partition",
                           "dynamic_stitch"))
        parents, reads, in_dc = self.consume([x])
        diff = in_dc if dtype in FLOATS else None
        outs = []
        if kind == "boolean_mask":
            nid = self.new_id()
            self.steps.append(("boolean_mask", nid, x, c, dtype))
            outs.append((nid, dtype, [None], diff))
        elif kind == "where":
            nid = self.new_id()
            self.steps.append(("where", nid, x, c, dtype))
            outs.append((nid, "int64", [None, len(xn.shape)], None))
        elif kind == "unique":
            nid, idx = self.new_id(), self.new_id()
            self.steps.append(("unique", nid, idx, x))
            outs += [(nid, dtype, [None], None), (idx, "int32", [None], None)]
        elif kind == "dynamic_partition":
            ids = [self.new_id(), self.new_id()]
            self.steps.append(("dynamic_partition", ids, x, c, dtype))
            outs += [(i, dtype, [None], diff) for i in ids]
        else:
            nid = self.new_id()
            d = rng.choice((2, -1))
            self.steps.append(("dynamic_stitch", nid, x, c, d, dtype, xn.cls == "dyn"))
            outs.append((nid, dtype, [None], diff))
        for oid, odt, oshape, odc in outs:
            self.add(_Node(oid, "dyn", odt, oshape, parents=parents, reads=reads,
                           dc=None if odc is None else set(odc)))
        if rng.random() < 0.7:
            src, odt, _, odc = rng.choice(outs)
            sid_ = self.new_id()
            red = rng.choice(("reduce_sum", "reduce_sum", "size"))
            if red == "size":
                odt, odc = "int32", None
            self.steps.append(("dd_reduce", sid_, red, src))
            self.add(_Node(sid_, "tensor", odt, [], parents=[src],
                           dc=None if odc is None or odt not in FLOATS else set(odc) | {src}))

    def ext_step(self):
        """One of the ext actions (and sometimes a run), all drawn from self.rng (the caller
        has swapped in the ext stream)."""
        rng = self.rng
        acts = [(1.0, self.act_while), (0.6, self.act_ta_loop), (1.0, self.act_functional),
                (0.8, self.act_case), (1.2, self.act_data_dependent)]
        r = rng.uniform(0, sum(w for w, _ in acts))
        for w, a in acts:
            r -= w
            if r <= 0:
                break
        a()
        if rng.random() < 0.5:
            self.run_step(rng.choice(sorted(self.sessions)))

    # --- the wide table of stateless ops (tests/fuzz/wide_ops.py; their own random stream)
    def act_wide(self):
        got = wide_ops.wide_step(self)
        if got is None:
            return
        (name, template, operands), dtype, shape, diff, nonfinite = got
        nid = self.new_id()
        ctrl = self.ctrl_deps(0.15)
        self.steps.append(("wide", nid, name, template, operands, ctrl))
        parents, reads, dc = self.consume(operands)
        if dtype not in FLOATS or not diff:
            dc = None
        cls = "tensor" if len(shape) <= 2 else "dyn"
        node = self.add(_Node(nid, cls, dtype, shape, parents=parents + ctrl, reads=reads, dc=dc))
        node.own_nf = nonfinite
        self.ctrl_used.update(ctrl)

    def wide_step(self):
        """1 or 2 wide ops (and sometimes a run), all drawn from self.rng (the caller has
        swapped in the wide ops' stream)."""
        for _ in range(self.rng.randint(1, 2)):
            self.act_wide()
        if self.rng.random() < 0.5:
            self.run_step(self.rng.choice(sorted(self.sessions)))

    def generate(self):
        rng = self.rng
        for _ in range(rng.randint(2, 5)):
            self.new_var()
        if rng.random() < 0.3:
            self.act_placeholder()
        sid = self.new_session()
        if rng.random() < 0.1:
            self.run_step(sid)  # before initialization
        self.run_init(sid, "init_global" if rng.random() < 0.8 else "init_vars")
        if any(i["local"] for i in self.vars.values()) and rng.random() < 0.8:
            self.run_init(sid, "init_local")
        actions = [
            (3.0, self.act_math), (2.0, self.act_read), (2.5, self.act_assign), (1.0, self.act_scatter),
            (0.8, self.act_count_up_to), (0.8, self.act_group), (0.8, self.act_cond),
            (0.5, self.act_placeholder), (1.5, self.act_gradients), (1.5, self.act_optimizer),
            (0.5, self.act_initialized_value), (0.4, self.act_ema), (0.4, self.new_var),
            (3.0, "run"), (0.5, "init"), (0.5, "saver"), (0.3, "report"), (0.3, "session"),
        ]
        total = sum(w for w, _ in actions)
        # The ext actions (loops, TensorArray, scan/map_fn/foldl/foldr, tf.case, data-dependent
        # shapes) come from a second random stream, so that a program in which none is drawn
        # (about 35% of seeds) is the one the same seed gave before they were added; in the
        # others the programs change from the first ext action on.
        ext = self.rng2.random() < 0.7
        # The wide ops (tests/fuzz/wide_ops.py) come from a third stream, for the same reason:
        # a program in which none is drawn (about half the seeds) is the one it was before them.
        # (about 3 wide ops per such program: each op makes a run's compilation slower, and CI's
        # 300 programs are to stay within their time)
        wide = self.rng3.random() < 0.5
        n_steps = 0
        while self.runs < self.max_runs and n_steps < 40:
            n_steps += 1
            if wide and self.rng3.random() < 0.15:
                main, self.rng = self.rng, self.rng3
                try:
                    self.wide_step()
                finally:
                    self.rng = main
                continue
            if ext and self.rng2.random() < 0.2:
                main, self.rng = self.rng, self.rng2
                try:
                    self.ext_step()
                finally:
                    self.rng = main
                continue
            r = rng.uniform(0, total)
            for w, a in actions:
                r -= w
                if r <= 0:
                    break
            sid = rng.choice(sorted(self.sessions))
            if a == "run":
                self.run_step(sid)
            elif a == "init":
                self.run_init(sid)
            elif a == "saver":
                self.act_saver(sid)
            elif a == "report":
                self.act_report(sid)
            elif a == "session":
                if len(self.sessions) < 3:
                    s = self.new_session()
                    if rng.random() < 0.8:
                        self.run_init(s, "init_global")
            else:
                a()
        # finish with a run touching the most recent nodes
        self.run_step(rng.choice(sorted(self.sessions)))
        for sid in sorted(self.sessions):
            self.steps.append(("close", sid))
        return Program(self.seed, tuple(self.steps))


def gen_program(seed):
    """The program for `seed` (a pure function of the seed)."""
    return _Gen(seed).generate()


# ----- rendering as Python --------------------------------------------------------------------

def _lit(value, dtype):
    if dtype == "bool":
        return f"np.array({value!r})"
    return f"np.array({value!r}, dtype={dtype!r})"


def _opnd(x):
    if isinstance(x, str):
        return x
    _, value, dtype = x
    return _lit(value, dtype)


def _struct(s):
    kind = s[0]
    if kind == "node":
        return s[1]
    if kind == "list":
        return "[" + ", ".join(_struct(e) for e in s[1]) + "]"
    if kind == "tuple":
        inner = ", ".join(_struct(e) for e in s[1])
        return "(" + inner + ("," if len(s[1]) == 1 else "") + ")"
    if kind == "dict":
        return "{" + ", ".join(f"{k!r}: {_struct(e)}" for k, e in s[1]) + "}"
    raise AssertionError(kind)


def _with_ctrl(ctrl, line):
    if not ctrl:
        return [line]
    return [f"with tf.control_dependencies([{', '.join(ctrl)}]):", "    " + line]


def _check(i, sid, check):
    vs, os_ = check
    return [f"_rec('vars', {i}, _chk({sid}, [{', '.join(vs)}], [{', '.join(os_)}]))"]


def _branch(spec, dtype):
    kind = spec[0]
    if kind == "read":
        return f"{spec[1]}.read_value() + {_lit(spec[2], dtype)}"
    if kind == "assign_add":
        return f"tf.assign_add({spec[1]}, {_lit(spec[2], dtype)}) * {_lit(1, dtype)}"
    if kind == "assign":
        return f"tf.assign({spec[1]}, {_lit(spec[2], dtype)}) * {_lit(1, dtype)}"
    return f"tf.constant({_lit(spec[1], dtype)})"


def _wide_opnd(x):
    """A wide op's operand: a node, or a literal as tf.constant (so that indexing and
    operators on it are TF's)."""
    return x if isinstance(x, str) else f"tf.constant({_opnd(x)})"


def _tensor_opnd(x):
    """A loop input: a node, or a literal as tf.constant."""
    return x if isinstance(x, str) else f"tf.constant({_opnd(x)})"


def _kw_loop(par, max_iter):
    kw = ""
    if par is not None:
        kw += f", parallel_iterations={par}"
    if max_iter is not None:
        kw += f", maximum_iterations={max_iter}"
    return kw


def _render_ext(i, step):
    """Lines for the ext steps (loops, TensorArray, functional ops, case, data-dependent)."""
    kind = step[0]
    shape_rec = f"_rec('shape', {i}, _shp({step[1]}))"
    if kind == "while":
        _, nid, cid, acc0, v, mode, w, delta, n, max_iter, par, anchor, c, dtype, wdtype = step
        lines, ind = [f"def _body_{nid}(i, acc):"], "    "
        if anchor:
            lines.append(f"{ind}with tf.control_dependencies([acc]):")
            ind += "    "
        if w is not None:
            lines += [f"{ind}_a = tf.assign_add({w}, {_lit(delta, wdtype)})",
                      f"{ind}with tf.control_dependencies([_a]):"]
            ind += "    "
        r = f"{v}.read_value()" if mode == "read_value" else v
        # the body returns a list like loop_vars: with maximum_iterations TF1 rejects a tuple
        # for a list (TypeError, "don't have the same nested structure"; without it TF1 takes
        # it), a TF1 quirk we do not copy (seed 11)
        lines += [f"{ind}_new = acc * {_lit(c, dtype)} + {r}", "    return [i + 1, _new]",
                  f"{cid}, {nid} = tf.while_loop(lambda i, acc: i < {n}, _body_{nid}, "
                  f"[tf.constant(0), {_tensor_opnd(acc0)}]{_kw_loop(par, max_iter)})", shape_rec]
        return lines
    if kind == "ta_loop":
        _, nid, v, mode, n, max_iter, par, c, dtype, out, arg, shape = step
        r = f"{v}.read_value()" if mode == "read_value" else v
        res = {"stack": "_ta.stack()", "read": f"_ta.read({arg})", "gather": f"_ta.gather({arg})"}[out]
        return [f"def _body_{nid}(i, ta):",
                f"    return [i + 1, ta.write(i, tf.cast(i, tf.{dtype}) * {_lit(c, dtype)} + {r})]",
                # element_shape: we need it for a TensorArray entering a loop before any write
                # (NotImplementedError otherwise, seed 12)
                f"_, _ta = tf.while_loop(lambda i, ta: i < {n}, _body_{nid}, "
                f"[tf.constant(0), tf.TensorArray(tf.{dtype}, size={n}, element_shape={shape!r})]"
                f"{_kw_loop(par, max_iter)})",
                f"{nid} = {res}", shape_rec]
    if kind == "functional":
        _, nid, fkind, elems, init, v, mode, anchor, c, dtype = step
        args = "x" if fkind == "map_fn" else "a, x"
        lines, r = [f"def _fn_{nid}({args}):"], ""
        if v is not None and mode == "read_value":
            if anchor:
                lines += ["    with tf.control_dependencies([x]):", f"        _r = {v}.read_value()"]
            else:
                lines.append(f"    _r = {v}.read_value()")
            r = " + _r"
        elif v is not None:
            r = f" + {v}"
        body = f"tf.square(x) * {_lit(c, dtype)}" if fkind == "map_fn" else f"a * {_lit(c, dtype)} + x"
        lines.append(f"    return {body}{r}")
        ini = "" if init is None else f", initializer={_tensor_opnd(init)}"
        lines += [f"{nid} = tf.{fkind}(_fn_{nid}, {_tensor_opnd(elems)}{ini})", shape_rec]
        return lines
    if kind == "case":
        _, nid, pairs, default, exclusive, dtype = step
        items = ", ".join(f"({p}, lambda: {_branch(b, dtype)})" for p, b in pairs)
        dflt = "None" if default is None else f"lambda: {_branch(default, dtype)}"
        return [f"{nid} = tf.case([{items}], default={dflt}, exclusive={exclusive})", shape_rec]
    if kind == "boolean_mask":
        _, nid, x, c, dtype = step
        return [f"{nid} = tf.boolean_mask({x}, tf.greater({x}, {_lit(c, dtype)}))", shape_rec]
    if kind == "where":
        _, nid, x, c, dtype = step
        return [f"{nid} = tf.where(tf.greater({x}, {_lit(c, dtype)}))", shape_rec]
    if kind == "unique":
        _, nid, idx, x = step
        return [f"{nid}, {idx} = tf.unique(tf.reshape({x}, [-1]))", shape_rec,
                f"_rec('shape', {i}, _shp({idx}))"]
    if kind == "dynamic_partition":
        _, ids, x, c, dtype = step
        return [f"{', '.join(ids)}, = tf.dynamic_partition({x}, "
                f"tf.cast(tf.greater({x}, {_lit(c, dtype)}), tf.int32), 2)",
                f"_rec('shape', {i}, [_shp(_t) for _t in ({', '.join(ids)},)])"]
    if kind == "dynamic_stitch":
        _, nid, x, c, d, dtype, dyn = step
        # positions 0..size-1: tf.range(tf.size(x)) of a fed x is NotImplementedError here (a
        # computed bound; reported), so a cumsum of ones for those
        pos = (f"tf.cumsum(tf.reshape(tf.ones_like({x}, tf.int32), [-1])) - 1" if dyn
               else f"tf.range(tf.size({x}))")
        return [f"_parts = tf.cast(tf.greater({x}, {_lit(c, dtype)}), tf.int32)",
                f"_idx = tf.dynamic_partition(tf.reshape({pos}, tf.shape({x})), _parts, 2)",
                f"_dat = tf.dynamic_partition({x}, _parts, 2)",
                f"{nid} = tf.dynamic_stitch(_idx, [_dat[0] * {_lit(d, dtype)}, _dat[1]])", shape_rec]
    if kind == "dd_reduce":
        _, nid, red, src = step
        return [f"{nid} = tf.{red}({src})"]
    return None


def render_step(i, step):
    """Python lines for step `i` (inside `_program`); a step that may raise is wrapped by the caller."""
    kind = step[0]
    ext = _render_ext(i, step)
    if ext is not None:
        return ext
    if kind == "Variable":
        _, vid, name, dtype, value, trainable, local = step
        extra = ", collections=[tf.GraphKeys.LOCAL_VARIABLES]" if local else ""
        return [f"{vid} = tf.Variable({_lit(value, dtype)}, name={name!r}, trainable={trainable}{extra})",
                f"_rec('var', {i}, {vid}.name, {vid}.get_shape().as_list(), {vid}.dtype.base_dtype.name)"]
    if kind == "get_variable":
        _, vid, scope, name, dtype, shape, init, c, trainable, local = step
        ini = {"zeros": "tf.zeros_initializer()", "ones": "tf.ones_initializer()"}.get(
            init, f"tf.constant_initializer({c!r})")
        extra = ", collections=[tf.GraphKeys.LOCAL_VARIABLES]" if local else ""
        return [f"with tf.variable_scope({scope!r}):",
                f"    {vid} = tf.get_variable({name!r}, shape={shape!r}, dtype=tf.{dtype}, initializer={ini}, "
                f"trainable={trainable}{extra})",
                f"_rec('var', {i}, {vid}.name, {vid}.get_shape().as_list(), {vid}.dtype.base_dtype.name)"]
    if kind == "get_variable_reuse":
        _, vid, scope, name, dtype, shape, mode = step
        reuse = {"True": "True", "AUTO": "tf.AUTO_REUSE", "dup": "None"}[mode]
        return [f"with tf.variable_scope({scope!r}, reuse={reuse}):",
                f"    _v = tf.get_variable({name!r}, shape={shape!r}, dtype=tf.{dtype})",
                f"_rec('reuse', {i}, _v is {vid}, _v.name)"]
    if kind == "placeholder":
        _, nid, dtype, shape = step
        return [f"{nid} = tf.placeholder(tf.{dtype}, shape={shape!r})"]
    if kind == "wide":
        _, nid, _name, template, operands, ctrl = step
        return _with_ctrl(ctrl, f"{nid} = " + template.format(*map(_wide_opnd, operands))) + [
            f"_rec('shape', {i}, _shp({nid}))"]
    if kind == "unary":
        _, nid, op, x, ctrl = step
        return _with_ctrl(ctrl, f"{nid} = tf.{op}({x})")
    if kind == "binary":
        _, nid, op, x, y, form, ctrl = step
        sym = {"add": "+", "subtract": "-", "multiply": "*"}.get(op)
        if form == "operator" and sym:
            return _with_ctrl(ctrl, f"{nid} = {x} {sym} {_opnd(y)}")
        return _with_ctrl(ctrl, f"{nid} = tf.{op}({x}, {_opnd(y)})")
    if kind == "matmul":
        _, nid, x, y, ctrl = step
        return _with_ctrl(ctrl, f"{nid} = tf.matmul({x}, {_opnd(y)})")
    if kind == "reduce_sum":
        _, nid, x, axis, ctrl = step
        ax = "" if axis is None else f", axis={axis}"
        return _with_ctrl(ctrl, f"{nid} = tf.reduce_sum({x}{ax})")
    if kind == "read_value":
        _, nid, v, ctrl = step
        return _with_ctrl(ctrl, f"{nid} = {v}.read_value()")
    if kind == "identity":
        _, nid, v, ctrl = step
        return _with_ctrl(ctrl, f"{nid} = tf.identity({v})")
    if kind == "initialized_value":
        _, nid, v = step
        return [f"{nid} = {v}.initialized_value()"]
    if kind == "assign":
        _, nid, op, v, val, form, ctrl = step
        if form == "method":
            return _with_ctrl(ctrl, f"{nid} = {v}.{op}({_opnd(val)})")
        return _with_ctrl(ctrl, f"{nid} = tf.{op}({v}, {_opnd(val)})")
    if kind == "scatter":
        _, nid, op, v, idx, upd, dtype, ctrl = step
        return _with_ctrl(ctrl, f"{nid} = tf.{op}({v}, {_lit(idx, 'int32')}, {_lit(upd, dtype)})")
    if kind == "count_up_to":
        _, nid, v, limit, form = step
        if form == "method":
            return [f"{nid} = {v}.count_up_to({limit})"]
        return [f"{nid} = tf.count_up_to({v}, {limit})"]
    if kind == "group":
        _, nid, ins = step
        return [f"{nid} = tf.group({', '.join(ins)})"]
    if kind == "cond":
        _, nid, pred, tb, fb, dtype = step
        return [f"{nid} = tf.cond({pred}, lambda: {_branch(tb, dtype)}, lambda: {_branch(fb, dtype)})"]
    if kind == "gradients":
        _, gids, y, xs = step
        return [f"{', '.join(gids)}, = tf.gradients({y}, [{', '.join(xs)}])"]
    if kind == "global_step":
        return [f"{step[1]} = tf.train.get_or_create_global_step()",
                f"_rec('var', {i}, {step[1]}.name, {step[1]}.get_shape().as_list(), {step[1]}.dtype.base_dtype.name)"]
    if kind == "optimizer":
        _, oid, okind, kw = step
        args = ", ".join(f"{k}={v!r}" for k, v in kw.items())
        return [f"{oid} = tf.train.{okind}Optimizer({args})"]
    if kind == "minimize":
        _, nid, oid, y, var_list, gs = step
        return [f"{nid} = {oid}.minimize({y}, var_list=[{', '.join(var_list)}], global_step={gs})"]
    if kind == "compute_gradients":
        _, gvs, gids, oid, y, var_list = step
        return [f"{gvs} = {oid}.compute_gradients({y}, var_list=[{', '.join(var_list)}])",
                f"{', '.join(gids)}, = [_g for _g, _ in {gvs}]"]
    if kind == "apply_gradients":
        _, nid, oid, gvs, gs = step
        return [f"{nid} = {oid}.apply_gradients({gvs}, global_step={gs})"]
    if kind == "ema":
        _, eid, decay, gs = step
        return [f"{eid} = tf.train.ExponentialMovingAverage({decay}, num_updates={gs})"]
    if kind == "ema_apply":
        _, nid, eid, vs = step
        return [f"{nid} = {eid}.apply([{', '.join(vs)}])"]
    if kind == "ema_average":
        _, aid, eid, v = step
        return [f"{aid} = {eid}.average({v})",
                f"_rec('var', {i}, {aid}.name, {aid}.get_shape().as_list(), {aid}.dtype.base_dtype.name)"]
    if kind == "init_global":
        return [f"{step[1]} = tf.global_variables_initializer()"]
    if kind == "init_local":
        return [f"{step[1]} = tf.local_variables_initializer()"]
    if kind == "init_vars":
        return [f"{step[1]} = tf.variables_initializer([{', '.join(step[2])}])"]
    if kind == "report_uninit":
        return [f"{step[1]} = tf.report_uninitialized_variables()"]
    if kind == "saver":
        _, sv, lst = step
        arg = "None" if lst is None else "[" + ", ".join(lst) + "]"
        return [f"{sv} = tf.train.Saver(var_list={arg})"]
    if kind == "session":
        return [f"{step[1]} = tf.Session()"]
    if kind == "close":
        return [f"{step[1]}.close()"]
    raise AssertionError(kind)


def render_run(i, step):
    """(lines that may raise, lines recording values afterwards) for a run-like step, else None."""
    kind = step[0]
    if kind == "run":
        _, sid, struct, feeds, check = step
        fd = "{" + ", ".join(f"{f}: {_lit(v, d)}" for f, v, d in feeds) + "}"
        return ([f"_rec('run', {i}, {sid}.run({_struct(struct)}, feed_dict={fd}))"], _check(i, sid, check))
    if kind == "make_callable":
        _, cid, sid, struct, feed_ids = step
        return ([f"{cid} = {sid}.make_callable({_struct(struct)}, feed_list=[{', '.join(feed_ids)}])"], [])
    if kind == "call":
        _, cid, sid, vals, check = step
        return ([f"_rec('run', {i}, {cid}({', '.join(_lit(v, d) for v, d in vals)}))"],
                _check(i, sid, check))
    if kind == "save":
        _, sid, sv, name = step
        return ([f"_rec('save', {i}, os.path.basename({sv}.save({sid}, os.path.join(_workdir, {name!r}), "
                 f"write_meta_graph=False)))"], [])
    if kind == "restore":
        _, sid, sv, name, check = step
        return ([f"{sv}.restore({sid}, os.path.join(_workdir, {name!r}))", f"_rec('restore', {i})"],
                _check(i, sid, check))
    if kind == "report_run":
        _, sid, nid = step
        return ([f"_rec('uninit', {i}, sorted(_s(x) for x in {sid}.run({nid})))"], [])
    return None


def program_source(program):
    """The body of `_program(tf, np, _rec, _workdir)`: the whole program as Python."""
    out = ["def _program(tf, _rec, _workdir):", "    with tf.Graph().as_default():"]
    ind = " " * 8
    for i, step in enumerate(program.steps):
        run = render_run(i, step)
        body, after = run if run else (render_step(i, step), [])
        out.append(f"{ind}# step {i}: {step[0]}")
        out.append(f"{ind}try:")
        out.extend(f"{ind}    {line}" for line in body)
        out.append(f"{ind}except Exception as _e:  # noqa: BLE001")
        out.append(f"{ind}    _rec('error', {i}, type(_e).__name__)")
        if after:
            out.append(f"{ind}try:")
            out.extend(f"{ind}    {line}" for line in after)
            out.append(f"{ind}except Exception as _e:  # noqa: BLE001")
            out.append(f"{ind}    _rec('check_error', {i}, type(_e).__name__)")
    out.append(f"{ind}_rec('collections', _collections(tf))")
    return "\n".join(out) + "\n"


def to_script(program):
    """A standalone Python script running `program`; `python script.py tf` uses TensorFlow,
    `python script.py` tfvars_jax. It prints one record per line."""
    from tests.fuzz import interpreter
    return (f'"""Fuzz program (seed {program.seed}) from tests/fuzz/programs.py.\n\n'
            'Run with `python this.py tf` (real TensorFlow) or `python this.py` (tfvars_jax) and compare.\n"""\n'
            "import os\nimport sys\nimport tempfile\n\nimport numpy as np\n\n"
            "if sys.argv[1:] == ['tf']:\n"
            "    import tensorflow.compat.v1 as tf\n    tf.disable_v2_behavior()\n"
            "else:\n    import tfvars_jax as tf\n\n"
            + interpreter.HELPERS + "\n\n" + program_source(program) + "\n\n"
            "if __name__ == '__main__':\n"
            "    _program(tf, lambda *r: print(*r[:2], *map(_norm, r[2:])), tempfile.mkdtemp())\n")
